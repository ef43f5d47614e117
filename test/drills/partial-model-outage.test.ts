import { drillSuite } from "./drillSuite";

drillSuite("partial-model-outage.yaml");
