import { drillSuite } from "./drillSuite";

drillSuite("flapping-provider.yaml");
