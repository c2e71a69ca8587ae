// The release of RANaaS this code is (kept equal to package.json's version by a test).
export const RANAAS_VERSION = "0.1.0";
