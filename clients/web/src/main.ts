// The course finder (in the manner of the Leeroverzicht): type what you want to learn or the
// occupation you want (autocomplete from Suggest on every keystroke), choose a suggestion, and see
// the courses with price, own cost, the money per funding scheme and the skills they close;
// filter by region, mbo level, price and start date, each filter value with its count.
//
// Query parameters: `api` (the vaardig server, default http://127.0.0.1:50051), `date` (the day
// funding is judged on, default today).
import {
  ConceptKind,
  type ConceptRef,
  type CourseFacet,
  type CourseHit,
  createVaardig,
  euro,
} from "./vaardig.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { SearchCoursesRequestSchema } from "./gen/vaardig/v1/courses_pb.js";

const params = new URLSearchParams(location.search);
const vaardig = createVaardig(params.get("api") ?? "http://127.0.0.1:50051");
const today = new Date().toISOString().slice(0, 10);
const date = params.get("date") ?? today;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLInputElement>("q");
const list = $<HTMLUListElement>("suggestions");
const chosenText = $<HTMLParagraphElement>("chosen");
const filters = $<HTMLElement>("filters");
const region = $<HTMLSelectElement>("region");
const level = $<HTMLSelectElement>("level");
const maxPrice = $<HTMLInputElement>("max-price");
const startFrom = $<HTMLInputElement>("start-from");
const status = $<HTMLParagraphElement>("status");
const table = $<HTMLTableElement>("results");
const body = table.querySelector("tbody") as HTMLTableSectionElement;

/** The funding schemes valid on `date`: the finder shows the money of each per course. */
const schemes: Promise<string[]> = vaardig.funding
  .listFundingSchemes({ date, lang: "nl" })
  .then((answer) => answer.schemes.map((s) => s.scheme?.id ?? "").filter((id) => id !== ""))
  .catch(() => []);

/** What the courses are for: a chosen occupation or skill, or the typed text. */
let chosen: ConceptRef | null = null;
/** Answers can arrive out of order while typing: only the latest request's answer is shown. */
let suggestSeq = 0;
let searchSeq = 0;

function kindWord(kind: ConceptKind): string {
  return kind === ConceptKind.OCCUPATION ? "beroep" : kind === ConceptKind.SKILL ? "vaardigheid" : "";
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

input.addEventListener("input", async () => {
  const seq = ++suggestSeq;
  const prefix = input.value;
  if (prefix.trim() === "") {
    list.hidden = true;
    return;
  }
  try {
    const answer = await vaardig.search.suggest({
      prefix,
      kinds: [ConceptKind.OCCUPATION, ConceptKind.SKILL],
      lang: "nl",
      limit: 8,
    });
    if (seq !== suggestSeq) return;
    list.replaceChildren(
      ...answer.suggestions.map((s) => {
        const item = element("li", s.label);
        item.setAttribute("role", "option");
        item.dataset.id = s.concept?.id ?? "";
        item.append(element("span", kindWord(s.concept?.kind ?? ConceptKind.UNSPECIFIED), "kind"));
        item.addEventListener("click", () => choose(s.concept!, s.label));
        return item;
      }),
    );
    list.hidden = answer.suggestions.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  } catch (error) {
    status.textContent = `Suggesties mislukt: ${(error as Error).message}`;
  }
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && input.value.trim() !== "") {
    chosen = null;
    list.hidden = true;
    chosenText.hidden = true;
    resetFilters();
    void search();
  }
});

function choose(concept: ConceptRef, label: string) {
  chosen = concept;
  input.value = label;
  list.hidden = true;
  input.setAttribute("aria-expanded", "false");
  chosenText.hidden = false;
  chosenText.textContent =
    concept.kind === ConceptKind.OCCUPATION
      ? `Cursussen voor het beroep ${concept.label}: wat het vraagt en nog te leren valt`
      : `Cursussen die ${concept.label} leren`;
  resetFilters();
  void search();
}

function resetFilters() {
  region.value = "";
  level.value = "";
  maxPrice.value = "";
  startFrom.value = "";
}

for (const control of [region, level, maxPrice, startFrom]) {
  control.addEventListener("change", () => void search());
}

/** The SearchCourses request of what is chosen and filtered now. */
function request(schemeIds: string[]): MessageInitShape<typeof SearchCoursesRequestSchema> {
  const what: MessageInitShape<typeof SearchCoursesRequestSchema> =
    chosen?.kind === ConceptKind.OCCUPATION
      ? { targetOccupationId: chosen.id, profile: {} }
      : chosen
        ? { skillIds: [chosen.id] }
        : { query: input.value };
  return {
    ...what,
    date,
    schemeIds,
    pageSize: 50,
    lang: "nl",
    filters: {
      regions: region.value ? [region.value] : [],
      mboLevels: level.value ? [Number(level.value)] : [],
      maxPriceCents: maxPrice.value ? BigInt(Math.round(Number(maxPrice.value) * 100)) : undefined,
      startFrom: startFrom.value,
    },
  };
}

/** Refills a filter's options from its facet: every value with its count, the chosen one kept. */
function fillFacet(select: HTMLSelectElement, facet: CourseFacet | undefined, all: string) {
  const current = select.value;
  const options = [element("option", all)];
  options[0].value = "";
  for (const v of facet?.values ?? []) {
    const option = element("option", `${v.label || v.value} (${v.count})`);
    option.value = v.value;
    option.dataset.count = String(v.count);
    options.push(option);
  }
  select.replaceChildren(...options);
  select.value = current;
}

function row(hit: CourseHit): HTMLTableRowElement {
  const tr = element("tr");
  tr.dataset.id = hit.course?.id ?? "";
  tr.dataset.priceCents = String(hit.priceCents);
  tr.dataset.ownCostCents = String(hit.ownCostCents);
  const funding = element("td");
  const paying = hit.funding.filter((f) => f.amountCents > 0n);
  if (paying.length === 0) {
    funding.append(element("span", "geen", "none"));
  } else {
    const ul = element("ul");
    for (const f of paying) {
      const li = element("li", `${f.scheme?.label}: ${f.upperBound ? "tot " : ""}${euro(f.amountCents)}`);
      li.dataset.scheme = f.scheme?.id ?? "";
      li.dataset.amountCents = String(f.amountCents);
      ul.append(li);
    }
    funding.append(ul);
  }
  const closes = element("td");
  const skills = hit.closes.length > 0 ? hit.closes.map((c) => c.skill?.label ?? "") : hit.teachesMissing.map((s) => s.label);
  closes.append(skills.length ? element("span", skills.join(", ")) : element("span", "—", "none"));
  tr.append(
    element("td", hit.course?.label),
    element("td", hit.provider?.label),
    element("td", hit.region || "landelijk / online"),
    element("td", hit.nextStartDate || "—"),
    element("td", euro(hit.priceCents), "money price"),
    funding,
    element("td", euro(hit.ownCostCents), "money own-cost"),
    closes,
  );
  return tr;
}

async function search() {
  const seq = ++searchSeq;
  status.textContent = "Zoeken…";
  try {
    const answer = await vaardig.courses.searchCourses(request(await schemes));
    if (seq !== searchSeq) return;
    fillFacet(region, answer.facets.find((f) => f.name === "region"), "alle regio's");
    fillFacet(level, answer.facets.find((f) => f.name === "mbo_level"), "alle niveaus");
    filters.hidden = false;
    body.replaceChildren(...answer.hits.map(row));
    table.hidden = answer.hits.length === 0;
    status.dataset.total = String(answer.totalSize);
    status.textContent =
      answer.totalSize === 0
        ? "Geen cursussen gevonden."
        : `${answer.totalSize} cursus${answer.totalSize === 1 ? "" : "sen"} (financiering op ${answer.date})`;
  } catch (error) {
    if (seq === searchSeq) status.textContent = `Zoeken mislukt: ${(error as Error).message}`;
  }
}
