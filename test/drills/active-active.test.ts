import { drillSuite } from "./drillSuite";

drillSuite("active-active.yaml");
