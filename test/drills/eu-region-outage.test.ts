import { drillSuite } from "./drillSuite";

drillSuite("eu-region-outage.yaml");
