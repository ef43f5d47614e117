import { drillSuite } from "./drillSuite";

drillSuite("anycast.yaml");
