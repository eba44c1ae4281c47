// The HTML report's script (checker/report/html.py inlines it; the page's CSP allows it by hash).
// It reads the run from the JSON block and builds the top findings, the filters and the
// stories. Article text only ever goes into textContent, never into markup. A story's
// body is built when it is opened, and story headers a page at a time, so that a report
// of thousands of stories opens fast.
"use strict";
(() => {
  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const SEVERITIES = ["error", "warning", "info"];
  const filters = { severities: new Set(SEVERITIES), rule: -1, outlet: -1, story: -1 };
  const openStories = new Set();
  let topShown = DATA.top;
  let storiesShown = DATA.story_page;

  // Outlets named by each finding's evidence, and carried by each story's articles.
  const findingOutlets = DATA.findings.map((f) => new Set(f.evidence.map((e) => e.outlet)));
  const storyOutlets = DATA.stories.map((s) => new Set(s.articles.map((a) => DATA.articles[a].outlet)));

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many || one + "s");
  }

  function ruleLabel(i) {
    const rule = DATA.rules[i];
    return rule.code + " " + rule.name;
  }

  // ------------------------------------------------------------------ filtering

  function findingMatches(i) {
    const f = DATA.findings[i];
    return (
      filters.severities.has(f.severity) &&
      (filters.rule < 0 || f.rule === filters.rule) &&
      (filters.outlet < 0 || findingOutlets[i].has(filters.outlet)) &&
      (filters.story < 0 || f.story === filters.story)
    );
  }

  // Severity and rule pick findings; a story without any of the picked ones is hidden then.
  function findingsNarrowed() {
    return filters.severities.size < SEVERITIES.length || filters.rule >= 0;
  }

  function storyMatches(si) {
    if (filters.story >= 0 && si !== filters.story) return false;
    if (filters.outlet >= 0 && !storyOutlets[si].has(filters.outlet)) return false;
    return !findingsNarrowed() || DATA.stories[si].findings.some(findingMatches);
  }

  function matchingStories() {
    const out = [];
    for (let si = 0; si < DATA.stories.length; si++) if (storyMatches(si)) out.push(si);
    return out;
  }

  // ------------------------------------------------------------------ findings

  function findingCard(i, withStory) {
    const f = DATA.findings[i];
    const card = el("article", "finding sev-" + f.severity);
    card.dataset.finding = String(i);
    card.dataset.rule = DATA.rules[f.rule].code;
    const head = el("header");
    head.append(
      el("span", "badge sev-" + f.severity, f.severity),
      el("span", "rule", ruleLabel(f.rule)),
      el("span", "confidence", "confidence " + f.confidence.toFixed(2))
    );
    if (withStory) {
      const link = el("button", "story-link", "story " + DATA.stories[f.story].id);
      link.type = "button";
      link.dataset.story = String(f.story);
      head.append(link);
    }
    if (f.claim !== null) head.append(el("span", "claim-id", "claim " + DATA.claims[f.claim].id));
    card.append(head, el("p", "message", f.message));
    const side = el("div", "evidence");
    for (const e of f.evidence) {
      const wording = el("div", "wording");
      const quote = el("blockquote");
      quote.append(document.createTextNode(e.sentence[0]), el("mark", null, e.sentence[1]), document.createTextNode(e.sentence[2]));
      wording.append(el("div", "outlet", DATA.outlets[e.outlet]), quote, el("code", "where", e.where));
      side.append(wording);
    }
    card.append(side, el("p", "fingerprint", "fingerprint " + f.fingerprint));
    return card;
  }

  function renderTop() {
    const list = document.getElementById("top-list");
    const more = document.getElementById("top-more");
    list.replaceChildren();
    let shown = 0;
    let matching = 0;
    for (const i of DATA.ranking) {
      if (!findingMatches(i)) continue;
      matching++;
      if (shown < topShown) {
        const item = el("li");
        item.append(findingCard(i, true));
        list.append(item);
        shown++;
      }
    }
    if (!matching) list.append(el("li", "empty", "No finding matches the filters."));
    more.hidden = shown >= matching;
    more.textContent = "Show " + Math.min(DATA.top, matching - shown) + " more (" + shown + " of " + matching + " shown)";
    return matching;
  }

  // ------------------------------------------------------------------ stories

  function severityCounts(indices) {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const i of indices) counts[DATA.findings[i].severity]++;
    return SEVERITIES.filter((s) => counts[s]).map((s) => counts[s] + " " + s).join(", ");
  }

  function storySection(si) {
    const story = DATA.stories[si];
    const section = el("details", "story");
    section.id = "story-" + si;
    section.dataset.story = String(si);
    const summary = el("summary");
    const matching = story.findings.filter(findingMatches);
    const outlets = new Set(story.articles.map((a) => DATA.articles[a].outlet)).size;
    let counts = plural(matching.length, "finding");
    if (matching.length !== story.findings.length) counts += " of " + story.findings.length;
    if (matching.length) counts += " (" + severityCounts(matching) + ")";
    summary.append(
      el("span", "story-id", story.id),
      el("span", "story-meta", plural(story.articles.length, "article") + ", " + plural(outlets, "outlet") + ", " + plural(story.claims.length, "shared claim") + "; " + counts)
    );
    section.append(summary);
    section.addEventListener("toggle", () => {
      if (section.open) {
        openStories.add(si);
        buildStoryBody(section, si);
      } else {
        openStories.delete(si);
      }
    });
    if (openStories.has(si)) section.open = true;
    return section;
  }

  function table(className, header, rows) {
    const t = el("table", className);
    const head = el("tr");
    for (const h of header) head.append(el("th", null, h));
    t.append(el("thead"));
    t.tHead.append(head);
    const body = el("tbody");
    for (const row of rows) body.append(row);
    t.append(body);
    return t;
  }

  function row(cells) {
    const tr = el("tr");
    for (const c of cells) tr.append(c instanceof Node ? c : el("td", null, c));
    return tr;
  }

  function coverageMatrix(story, byClaim) {
    const rows = story.claims.map((ci) => {
      const claim = DATA.claims[ci];
      const carried = new Set(claim.sentences.map((s) => s[0]));
      const cells = story.articles.map((a) => {
        const cell = el("td", carried.has(a) ? "carried" : "missing", carried.has(a) ? "\u2713" : "");
        if (DATA.articles[a].outlet === filters.outlet) cell.classList.add("picked");
        cell.title = story.columns[story.articles.indexOf(a)] + (carried.has(a) ? " carries " : " does not carry ") + claim.id;
        return cell;
      });
      const found = (byClaim.get(ci) || []).length;
      return row([claim.id, ...cells, found ? String(found) : "", el("td", "excerpt", claim.sentences[0][1])]);
    });
    return table("coverage", ["claim", ...story.columns, "findings", "claim (first wording)"], rows);
  }

  function buildStoryBody(section, si) {
    if (section.dataset.built === "1") return;
    section.dataset.built = "1";
    const story = DATA.stories[si];
    const body = el("div", "story-body");
    const outlets = new Set(story.articles.map((a) => DATA.articles[a].outlet)).size;
    body.append(el("p", "reason", "Grouped because " + story.reason + "." + (outlets > 1 ? "" : " One outlet only: nothing to compare.")));
    body.append(table("articles", ["outlet", "published", "article", "title"], story.articles.map((a, k) => {
      const article = DATA.articles[a];
      const published = el("td", null, article.published || "unknown");
      if (article.inferred.length) published.title = "inferred: " + article.inferred.join("; ");
      return row([story.columns[k], published, el("td", "path", article.path), article.title || ""]);
    })));

    const matching = story.findings.filter(findingMatches);
    const byClaim = new Map();
    for (const i of matching) {
      const key = DATA.findings[i].claim;
      if (!byClaim.has(key)) byClaim.set(key, []);
      byClaim.get(key).push(i);
    }
    if (byClaim.has(null)) {
      body.append(el("h4", null, "Story-wide findings"));
      for (const i of byClaim.get(null)) body.append(findingCard(i, false));
    }
    if (story.claims.length) {
      body.append(el("h4", null, "Coverage: which outlets carry each shared claim"), coverageMatrix(story, byClaim));
      for (const ci of story.claims) {
        if (!byClaim.has(ci)) continue;
        const claim = DATA.claims[ci];
        body.append(el("h4", null, "Claim " + claim.id + " (similarity " + claim.similarity.toFixed(2) + ")"));
        for (const i of byClaim.get(ci)) body.append(findingCard(i, false));
      }
      const claims = el("details", "claims");
      claims.append(el("summary", null, "Every shared claim, side by side (" + story.claims.length + ")"));
      for (const ci of story.claims) {
        const claim = DATA.claims[ci];
        claims.append(el("h5", null, claim.id + " (similarity " + claim.similarity.toFixed(2) + ")"));
        claims.append(table("wordings", ["outlet", "wording"], claim.sentences.map((s) => row([story.columns[story.articles.indexOf(s[0])], s[1]]))));
      }
      body.append(claims);
    }
    if (story.singles.length) {
      const singles = el("details", "singles");
      singles.append(el("summary", null, "Claims only one outlet makes (" + story.singles.length + ")"));
      singles.append(table("wordings", ["outlet", "claim"], story.singles.map((s) => row([story.columns[story.articles.indexOf(s[0])], s[1]]))));
      body.append(singles);
    }
    section.append(body);
  }

  // The stories the filters pass, and how many of their headers are in the page.
  let listed = [];
  let headers = 0;

  function renderStories() {
    listed = matchingStories();
    headers = 0;
    document.getElementById("story-list").replaceChildren();
    appendStories();
    return listed;
  }

  // Headers up to storiesShown: a page more when the reader scrolls down, not a rebuild.
  function appendStories() {
    const list = document.getElementById("story-list");
    const more = document.getElementById("stories-more");
    const end = Math.min(storiesShown, listed.length);
    const sections = [];
    for (; headers < end; headers++) sections.push(storySection(listed[headers]));
    list.append(...sections);
    if (!listed.length) list.replaceChildren(el("p", "empty", "No story matches the filters."));
    more.hidden = headers >= listed.length;
    more.textContent = "Show " + Math.min(DATA.story_page, listed.length - headers) + " more stories (" + headers + " of " + listed.length + " shown)";
  }

  // ------------------------------------------------------------------ wiring

  function render() {
    const findings = renderTop();
    const stories = renderStories();
    document.getElementById("filter-status").textContent =
      plural(findings, "finding") + " of " + DATA.findings.length + " and " + plural(stories.length, "story", "stories") + " of " + DATA.stories.length + " match the filters.";
  }

  function fillSelect(id, labels) {
    const select = document.getElementById(id);
    labels.forEach((label, i) => {
      const option = el("option", null, label);
      option.value = String(i);
      select.append(option);
    });
    return select;
  }

  function onFilter(key, select) {
    select.addEventListener("change", () => {
      filters[key] = Number(select.value);
      topShown = DATA.top;
      storiesShown = DATA.story_page;
      render();
    });
  }

  function setFilter(key, value) {
    const select = document.getElementById("filter-" + key);
    select.value = String(value);
    select.dispatchEvent(new Event("change"));
  }

  // Open a story's section, scrolling to it; a story the filters hide becomes the story filter.
  function revealStory(si) {
    if (!storyMatches(si)) setFilter("story", si);
    const position = listed.indexOf(si);
    if (position >= headers) {
      storiesShown = position + 1;
      appendStories();
    }
    const section = document.getElementById("story-" + si);
    section.open = true;
    section.scrollIntoView({ block: "start" });
  }

  const ruleCounts = DATA.rules.map(() => 0);
  for (const f of DATA.findings) ruleCounts[f.rule]++;
  onFilter("rule", fillSelect("filter-rule", DATA.rules.map((r, i) => ruleLabel(i) + " (" + ruleCounts[i] + ")")));
  onFilter("outlet", fillSelect("filter-outlet", DATA.outlets));
  onFilter("story", fillSelect("filter-story", DATA.stories.map((s) => s.id)));
  for (const box of document.querySelectorAll(".filter-severity")) {
    box.addEventListener("change", () => {
      if (box.checked) filters.severities.add(box.value);
      else filters.severities.delete(box.value);
      topShown = DATA.top;
      render();
    });
  }
  document.getElementById("filter-clear").addEventListener("click", () => {
    for (const box of document.querySelectorAll(".filter-severity")) box.checked = true;
    filters.severities = new Set(SEVERITIES);
    for (const key of ["rule", "outlet", "story"]) {
      filters[key] = -1;
      document.getElementById("filter-" + key).value = "-1";
    }
    topShown = DATA.top;
    storiesShown = DATA.story_page;
    render();
  });
  document.getElementById("top-more").addEventListener("click", () => {
    topShown += DATA.top;
    renderTop();
  });
  const storiesMore = document.getElementById("stories-more");
  storiesMore.addEventListener("click", () => {
    storiesShown += DATA.story_page;
    appendStories();
  });
  // The next page of stories is built when the reader scrolls down to the button.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !storiesMore.hidden) storiesMore.click();
  }).observe(storiesMore);
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".story-link");
    if (link) revealStory(Number(link.dataset.story));
    const bar = event.target.closest(".chart-row");
    if (bar) setFilter("rule", Number(bar.dataset.rule));
  });

  render();
  document.documentElement.dataset.ready = "1";
  performance.mark("report-ready");
})();
