import { drillSuite } from "./drillSuite";

drillSuite("active-passive.yaml");
