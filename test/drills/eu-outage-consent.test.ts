import { drillSuite } from "./drillSuite";

drillSuite("eu-outage-consent.yaml");
