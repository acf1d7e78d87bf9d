// The course-finder page in headless Chromium (Debian's, driven by playwright-core) against a real
// vaardig server on `embedded` speaking gRPC-Web: typing asks Suggest on every keystroke, choosing
// a suggestion lists courses, filters narrow them with the counts they showed, and every number on
// the page (total, prices, own cost, funding per scheme, facet counts) equals the API's answer to
// the same request, asked here through the same generated Connect client.
//
// Environment: VAARDIG_BIN (default ../../target/debug/vaardig), CHROMIUM (default `chromium` on the
// PATH), SCREENSHOT=path to save a picture of the page (the README's).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { chromium } from "playwright-core";

import { ConceptKind } from "../src/gen/vaardig/v1/concepts_pb.js";
import { CourseService } from "../src/gen/vaardig/v1/courses_pb.js";
import { FundingService } from "../src/gen/vaardig/v1/funding_pb.js";
import { SearchService } from "../src/gen/vaardig/v1/search_pb.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");
const bin = process.env.VAARDIG_BIN ?? path.join(here, "..", "..", "..", "target", "debug", "vaardig");
const browserPath = process.env.CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
const DATE = "2025-01-10";

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** dist/ over HTTP, as any static server would serve it. */
function serveStatic(port) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(dist, name === "/" ? "index.html" : name);
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

async function waitForServer(search) {
  for (let i = 0; i < 600; i++) {
    try {
      await search.suggest({ prefix: "a", limit: 1 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error("the vaardig server did not answer within 2 minutes");
}

const [apiPort, webPort] = [await freePort(), await freePort()];
const index = mkdtempSync(path.join(tmpdir(), "vaardig-web-"));
const api = spawn(bin, ["serve", "--ontology", "embedded", "--listen", `127.0.0.1:${apiPort}`, "--index-dir", index], {
  env: { ...process.env, VAARDIG_WEB_CORS_ALLOWED_ORIGINS: `http://127.0.0.1:${webPort}` },
  stdio: ["ignore", "ignore", process.env.VAARDIG_LOG ? "inherit" : "ignore"],
});
const staticServer = await serveStatic(webPort);
const transport = createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${apiPort}` });
const search = createClient(SearchService, transport);
const courses = createClient(CourseService, transport);
const funding = createClient(FundingService, transport);
let browser;
try {
  await waitForServer(search);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const suggestCalls = [];
  page.on("request", (r) => r.url().endsWith("/vaardig.v1.SearchService/Suggest") && suggestCalls.push(r));
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`http://127.0.0.1:${webPort}/?api=http://127.0.0.1:${apiPort}&date=${DATE}`);

  // Typing: one Suggest per keystroke, and the list shows the API's suggestions for the last one.
  const typed = "verpleeg";
  await page.locator("#q").pressSequentially(typed, { delay: 60 });
  const expected = await search.suggest({
    prefix: typed,
    kinds: [ConceptKind.OCCUPATION, ConceptKind.SKILL],
    lang: "nl",
    limit: 8,
  });
  const expectedIds = expected.suggestions.map((s) => s.concept.id);
  await page.waitForFunction(
    (ids) => [...document.querySelectorAll("#suggestions li")].map((li) => li.dataset.id).join() === ids.join(),
    expectedIds,
  );
  assert.equal(suggestCalls.length, typed.length, "one Suggest per keystroke");

  // Choosing an occupation: the courses for what it asks.
  const occupation = expected.suggestions.find((s) => s.concept.kind === ConceptKind.OCCUPATION);
  assert.ok(occupation, "an occupation among the suggestions");
  await page.locator(`#suggestions li[data-id="${occupation.concept.id}"]`).click();

  const listed = await funding.listFundingSchemes({ date: DATE, lang: "nl" });
  const schemeIds = listed.schemes.map((s) => s.scheme.id);
  const baseRequest = {
    targetOccupationId: occupation.concept.id,
    profile: {},
    date: DATE,
    schemeIds,
    pageSize: 50,
    lang: "nl",
  };
  /** The page shows what the API answers for `filters`. */
  async function agrees(filters) {
    const answer = await courses.searchCourses({ ...baseRequest, filters });
    // Wait for this answer's rows, not only its total: a filter that keeps the total (a start date
    // after which every listed course starts) still reorders equal courses by their next start, and
    // the page shows the answer before it until the new one arrives.
    await page.waitForFunction(
      ([total, ids]) =>
        document.querySelector("#status").dataset.total === String(total) &&
        [...document.querySelectorAll("#results tbody tr")].map((tr) => tr.dataset.id).join() === ids.join(),
      [answer.totalSize, answer.hits.map((h) => h.course.id)],
    );
    const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => ({
      id: tr.dataset.id,
      price: tr.dataset.priceCents,
      own: tr.dataset.ownCostCents,
      priceText: tr.querySelector(".price").textContent,
      funding: [...tr.querySelectorAll("li[data-scheme]")].map((li) => `${li.dataset.scheme}=${li.dataset.amountCents}`),
    })));
    assert.deepEqual(rows.map((r) => r.id), answer.hits.map((h) => h.course.id));
    for (const [i, hit] of answer.hits.entries()) {
      assert.equal(rows[i].price, String(hit.priceCents));
      assert.equal(rows[i].own, String(hit.ownCostCents));
      const euros = (Number(hit.priceCents) / 100).toLocaleString("nl-NL", { minimumFractionDigits: 2 });
      assert.ok(rows[i].priceText.includes(euros), `${rows[i].priceText} shows ${euros}`);
      const paid = hit.funding.filter((f) => f.amountCents > 0n).map((f) => `${f.scheme.id}=${f.amountCents}`);
      assert.deepEqual(rows[i].funding, paid);
    }
    const facet = (name) => answer.facets.find((f) => f.name === name)?.values ?? [];
    const shown = await page.$$eval("#region option[data-count]", (os) => os.map((o) => `${o.value}=${o.dataset.count}`));
    assert.deepEqual(shown, facet("region").map((v) => `${v.value}=${v.count}`));
    return answer;
  }

  const all = await agrees({});
  assert.ok(all.totalSize >= 3, `only ${all.totalSize} courses for ${occupation.label}`);
  assert.ok(all.hits.some((h) => h.funding.some((f) => f.amountCents > 0n)), "some course is funded");
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });

  // Filtering by region: as many courses as the option said.
  const regionValue = all.facets.find((f) => f.name === "region").values.find((v) => v.count < all.totalSize);
  assert.ok(regionValue, "a region narrows the list");
  await page.selectOption("#region", regionValue.value);
  const inRegion = await agrees({ regions: [regionValue.value] });
  assert.equal(inRegion.totalSize, regionValue.count);
  await page.selectOption("#region", "");
  await agrees({});

  // Price and start date.
  const prices = all.hits.map((h) => Number(h.priceCents)).sort((a, b) => a - b);
  const limitEuro = Math.ceil(prices[Math.floor(prices.length / 2)] / 100);
  await page.fill("#max-price", String(limitEuro));
  await page.dispatchEvent("#max-price", "change");
  const cheap = await agrees({ maxPriceCents: BigInt(limitEuro * 100) });
  assert.ok(cheap.totalSize > 0 && cheap.totalSize < all.totalSize);
  assert.ok(cheap.hits.every((h) => Number(h.priceCents) <= limitEuro * 100));
  await page.fill("#start-from", "2025-09-01");
  await page.dispatchEvent("#start-from", "change");
  await agrees({ maxPriceCents: BigInt(limitEuro * 100), startFrom: "2025-09-01" });

  // The mbo level: as many courses as its option said.
  await page.fill("#start-from", "");
  await page.dispatchEvent("#start-from", "change");
  await page.fill("#max-price", "");
  await page.dispatchEvent("#max-price", "change");
  await agrees({});
  const levelValue = all.facets.find((f) => f.name === "mbo_level")?.values.find((v) => v.count > 0);
  assert.ok(levelValue, "the courses for this occupation have mbo levels");
  const shownLevels = await page.$$eval("#level option[data-count]", (os) => os.map((o) => `${o.value}=${o.dataset.count}`));
  assert.ok(shownLevels.includes(`${levelValue.value}=${levelValue.count}`), shownLevels.join());
  await page.selectOption("#level", levelValue.value);
  const atLevel = await agrees({ mboLevels: [Number(levelValue.value)] });
  assert.equal(atLevel.totalSize, levelValue.count);
  console.log(`finder.test: ok (${all.totalSize} courses for ${occupation.label}, ${inRegion.totalSize} in ${regionValue.value}, ${cheap.totalSize} up to € ${limitEuro})`);
} finally {
  await browser?.close();
  staticServer.close();
  api.kill("SIGTERM");
  rmSync(index, { recursive: true, force: true });
}
