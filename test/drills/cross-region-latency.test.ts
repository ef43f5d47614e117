import { drillSuite } from "./drillSuite";

drillSuite("cross-region-latency.yaml");
