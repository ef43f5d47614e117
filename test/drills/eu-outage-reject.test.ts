import { drillSuite } from "./drillSuite";

drillSuite("eu-outage-reject.yaml");
