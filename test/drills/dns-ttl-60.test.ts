import { drillSuite } from "./drillSuite";

drillSuite("dns-ttl-60.yaml");
