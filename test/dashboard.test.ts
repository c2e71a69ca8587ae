// The web dashboard end to end in headless Chromium (Debian's, driven by playwright-core) against a
// running RANaaS on the local stack: sign in, see validation messages from the API next to the fields,
// create a deployment and watch it become ready without reloading, delete it, and see capacity as an
// admin; and, with the radio read from the gNB telemetry SIMULATOR, each cell's KPI charts and the links'
// states on the topology. Screenshots of each page go to $RANAAS_SCREENSHOTS (docs/screenshots with
// `npm run screenshots`).
import assert from "node:assert/strict";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { call, cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { GnbTelemetrySimulator } from "./support/gnb-telemetry-simulator.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";

const chromiumPath = process.env.RANAAS_CHROMIUM ?? "/usr/bin/chromium";

describe("web dashboard", { timeout: 300_000 }, () => {
  let ranaas: Ranaas;
  let browser: Browser;
  let page: Page;
  let shots: string;
  let simulator: GnbTelemetrySimulator;
  const pageErrors: string[] = [];

  const shoot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  before(async () => {
    shots = process.env.RANAAS_SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), "ranaas-shots-")));
    await mkdir(shots, { recursive: true });
    // The radio is read from the simulator, which stands in for every deployment's CU and DU.
    simulator = await GnbTelemetrySimulator.start(adminKubeConfig());
    ranaas = await startRanaas({ "op-web": "operator", provider: "admin" }, "ranaas_web", {
      RANAAS_RADIO_TELEMETRY: "true",
      RANAAS_TELEMETRY_VIA: simulator.url,
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("dialog", (dialog) => void dialog.accept());
  });

  after(async () => {
    await browser?.close();
    await ranaas?.stop();
    await simulator?.stop();
  });

  const signIn = async (key: string) => {
    await page.goto(`${ranaas.fleet.apiUrl}/ui/`);
    await page.fill("#api-key", key);
    await page.click("button[type=submit]");
  };

  it("refuses a wrong key and signs in with a right one", async () => {
    await signIn("rns_000000000000000000000000_not-a-real-key-at-all-000000000000000");
    await page.getByTestId("error").waitFor();
    assert.match(await page.getByTestId("error").innerText(), /API key is not valid/);
    await shoot("sign-in");
    await signIn(ranaas.keys["op-web"] ?? "");
    await page.getByTestId("deployments").waitFor();
    assert.equal(await page.locator("#who-name").innerText(), "op-web (operator)");
  });

  it("shows the API's own validation messages next to the fields of the create form", async () => {
    await page.click("a[data-nav=new]");
    await page.fill("#f-name", "Bad Name");
    await page.fill("#f-plmn", "1");
    await page.fill("#f-tac", "7");
    await page.fill("#f-bandwidth", "7");
    await page.click("button[type=submit]");
    await page.getByTestId("error-plmn").filter({ hasText: /./ }).waitFor();

    const direct = await call<{ problems: { path: string; message: string }[] }>(
      ranaas.fleet.apiUrl,
      "POST",
      "/v1/ran-deployments",
      {
        name: "Bad Name",
        plmn: "1",
        tac: 7,
        amf: [],
        slices: [{ sst: 1 }],
        cells: [{ band: 78, bandwidthMHz: 7 }],
        n3ServiceType: "ClusterIP",
      },
      { authorization: `Bearer ${ranaas.keys["op-web"]}` },
    );
    assert.equal(direct.status, 422);
    const shown = await page.locator(".field-error, [data-testid=error]").allInnerTexts();
    for (const problem of direct.body.problems)
      assert.ok(
        shown.join("\n").includes(problem.message),
        `"${problem.message}" (${problem.path}) is shown`,
      );
    for (const field of ["name", "plmn", "amf"])
      assert.notEqual(await page.getByTestId(`error-${field}`).innerText(), "", `${field} is marked`);
    await shoot("create-validation");
  });

  it("creates a deployment and shows it becoming ready live, with topology, identities and connection", async () => {
    await page.fill("#f-name", "web-campus");
    await page.fill("#f-plmn", "00101");
    await page.fill("#f-amf", "10.0.0.5:38413");
    await page.fill("#f-cells", "2");
    await page.click("button[type=submit]"); // 7 MHz is still there: the radio checks refuse it
    await page.getByTestId("error-bandwidth").filter({ hasText: /./ }).waitFor();
    assert.match(await page.getByTestId("error-bandwidth").innerText(), /7 MHz/);
    assert.equal(await page.getByTestId("error-plmn").innerText(), "", "fixed fields are no longer marked");
    await page.fill("#f-bandwidth", "20");
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/deployments\/[\w-]+$/);
    // No reload: the page follows the deployment's event stream until it is ready.
    await page.getByTestId("state").filter({ hasText: "ready" }).waitFor({ timeout: 120_000 });
    for (const id of ["component-cu", "component-du", "component-ru-0", "component-ru-1"])
      await page.locator(`[data-testid=${id}].ok`).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("[data-testid^=amf-]").count(), 1);
    const connection = await page.getByTestId("connection").innerText();
    assert.match(connection, /N2 source[\s\S]*\d+\.\d+\.\d+\.\d+/);
    assert.match(connection, /N3 address \(ClusterIP\)[\s\S]*\d+\.\d+\.\d+\.\d+:2152/);
    const identities = await page.getByTestId("identities").innerText();
    assert.match(identities, /n78 TDD\s+20\s+\d+\s+\d+\s+[0-9A-F]{9}\s+001-01-[0-9A-F]{9}/);
    await shoot("deployment");

    await page.click("a[data-nav=deployments]");
    await page.getByTestId("row-web-campus").getByTestId("state").filter({ hasText: "ready" }).waitFor();
    await shoot("deployments");
  });

  it("deletes it from its page and the list follows without reloading", async () => {
    await page.getByTestId("row-web-campus").locator("a").click();
    await page.getByTestId("delete").click();
    await page.getByTestId("state").filter({ hasText: "deleted" }).waitFor({ timeout: 60_000 });
    await page.click("a[data-nav=deployments]");
    await page.getByTestId("deployments").waitFor();
    await page.getByTestId("row-web-campus").waitFor({ state: "detached", timeout: 10_000 });
  });

  it("draws each cell's KPIs as charts and the radio's links in the state it reports them", async () => {
    const asOperator = { authorization: `Bearer ${ranaas.keys["op-web"]}` };
    const api = <T = DeploymentAnswer>(method: string, path: string, body?: unknown, headers = {}) =>
      call<T>(ranaas.fleet.apiUrl, method, path, body, { ...asOperator, ...headers });
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("web-radio", 2), {
      prefer: "wait=60",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const id = created.body.id;
    try {
      const gnb = await simulator.gnb(created.body.plan?.namespace ?? "");
      gnb.ues[0] = 2; // bitrates are reported per UE
      gnb.ues[1] = 1;
      await page.goto(`${ranaas.fleet.apiUrl}/ui/#/deployments/${id}`);
      const link = (testId: string, state: string) =>
        page.locator(`[data-testid=${testId}][data-state=${state}]`).waitFor({ timeout: 30_000 });
      await link("link-f1", "up");
      await link("link-n2-0", "connected");
      await link("link-fh-0", "active");
      await link("link-fh-1", "active");
      assert.equal(
        await page.getByTestId("link-f1").locator("title").textContent(),
        "F1 between CU and DU: up",
      );

      // The charts are fetched again every 10 s: wait until each has points from the radio.
      const series = {
        bitrate: ["dlBitrate", "ulBitrate"],
        prb: ["dlPrbUsage", "ulPrbUsage"],
        ues: ["ues"],
        late: ["ulLate"],
      };
      const lines = [0, 1].flatMap((cell) =>
        Object.entries(series).flatMap(([chart, names]) =>
          names.map((name) => `[data-testid=chart-${cell}-${chart}] path[data-series=${name}]`),
        ),
      );
      let missing: string[] = [];
      await eventually(
        async () => {
          missing = [];
          for (const selector of lines) {
            const path = page.locator(selector);
            const points = Number(await path.getAttribute("data-points", { timeout: 1000 }));
            const d = (await path.getAttribute("d", { timeout: 1000 })) ?? "";
            if (!(points > 0) || !/^M[\d.]+,[\d.]+/.test(d)) missing.push(selector);
          }
          return missing.length === 0 ? true : undefined;
        },
        {
          timeoutMs: 45_000,
          intervalMs: 500,
          what: "every cell's charts to have points",
          lastSeen: () => `no points in ${missing.join(", ")}`,
        },
      );
      await page
        .getByTestId("chart-0-ues")
        .filter({ hasText: /UEs [12]/ })
        .waitFor({ timeout: 30_000 });
      await shoot("deployment-radio");

      // The AMF goes away: the page follows the deployment's stream and draws the N2 link lost.
      gnb.amfUp[0] = false;
      await link("link-n2-0", "lost");
      assert.match(
        (await page.getByTestId("link-n2-0").locator("title").textContent()) ?? "",
        /^N2 to AMF 10\.0\.0\.5: lost$/,
      );
      assert.equal(await page.getByTestId("link-f1").getAttribute("data-state"), "up");
      await shoot("deployment-amf-lost");
      gnb.amfUp[0] = true;
      await link("link-n2-0", "connected");
    } finally {
      // Its RUs go back to the pool before capacity is counted.
      await api("DELETE", `/v1/ran-deployments/${id}`);
      await eventually(
        async () =>
          (await api("GET", `/v1/ran-deployments/${id}`)).body.state === "deleted" ? true : undefined,
        { timeoutMs: 60_000, what: "web-radio to be deleted" },
      );
    }
  });

  it("shows capacity per site, and the RU pool to an admin", async () => {
    await page.click("#sign-out");
    await signIn(ranaas.keys.provider ?? "");
    await page.getByTestId("deployments").waitFor();
    await page.click("a[data-nav=capacity]");
    for (const site of ["site-1", "site-2", "site-3"]) await page.getByTestId(`site-${site}`).waitFor();
    assert.match(await page.getByTestId("site-site-1").innerText(), /8\s+free RUs/);
    await page.getByTestId("rus").waitFor();
    assert.equal(await page.getByTestId("rus").locator("tbody tr").count(), 24);
    await shoot("capacity");
    assert.deepEqual(pageErrors, [], "no script errors in the page");
  });

  it("serves the interactive API reference at /docs from the served OpenAPI document", async () => {
    await page.goto(`${ranaas.fleet.apiUrl}/docs`);
    await page.locator("#operations-Deployments-createDeployment").waitFor({ timeout: 30_000 });
    assert.ok((await page.locator(".opblock").count()) >= 20, "every operation is listed");
    await shoot("api-docs");
  });
});
