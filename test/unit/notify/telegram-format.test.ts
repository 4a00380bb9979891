import { describe, expect, it } from "vitest";
import type { NotificationContent } from "../../../src/notification.js";
import {
  decodeHtmlText,
  escapeHtml,
  renderTelegram,
  renderTelegramPlain,
  visibleLength,
} from "../../../src/notify/telegram-format.js";
import { parseHtml } from "../../fakes/telegram-api.js";

function content(over: Partial<NotificationContent> = {}): NotificationContent {
  return {
    kind: "final",
    icon: "✅",
    title: "Claude Code task complete",
    fields: [
      ["Task", "fix the tests"],
      ["Project", "/home/me/app"],
    ],
    quote: { label: "Result", text: "All 12 tests pass." },
    footer: "Full output: /home/me/.cctask/runs/r1/result.md",
    line: "✅ done",
    silent: false,
    ...over,
  };
}

/** Every chunk must be accepted by Telegram's parser and fit its limit. */
function expectValidChunks(chunks: string[]) {
  for (const chunk of chunks) {
    expect(parseHtml(chunk)).not.toHaveProperty("error");
    expect(visibleLength(chunk)).toBeLessThanOrEqual(4096);
    expect(chunk.split("<blockquote expandable>").length).toBe(chunk.split("</blockquote>").length);
  }
}

const lorem = (lines: number, width = 79) =>
  Array.from({ length: lines }, (_, i) => `${String(i).padStart(6, "0")} ${"x".repeat(width - 7)}`).join(
    "\n",
  );

describe("escapeHtml", () => {
  it("escapes & first, then < and >; quotes only in attributes", () => {
    expect(escapeHtml(`a & <b> "c" &amp;`)).toBe(`a &amp; &lt;b&gt; "c" &amp;amp;`);
    expect(escapeHtml(`say "hi"`, { attribute: true })).toBe("say &quot;hi&quot;");
  });
});

describe("renderTelegram", () => {
  it("lays out title, fields, an expandable quote and the footer", () => {
    expect(renderTelegram(content())).toEqual([
      "✅ <b>Claude Code task complete</b>\n" +
        "<b>Task:</b> fix the tests\n" +
        "<b>Project:</b> /home/me/app\n" +
        "<b>Result:</b>\n" +
        "<blockquote expandable>All 12 tests pass.</blockquote>\n" +
        "Full output: /home/me/.cctask/runs/r1/result.md",
    ]);
  });

  it("renders untrusted markup as text", () => {
    const evil = `<script>alert("x")</script> & </b> <i> a < b &lt; <blockquote>`;
    const [html] = renderTelegram(
      content({ title: "<b>bold?", fields: [["<u>", evil]], quote: { label: "R&D", text: evil } }),
    );
    expect(html).toContain(
      '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;/b&gt; &lt;i&gt; a &lt; b &amp;lt;',
    );
    expect(html).not.toContain("<script>");
    expectValidChunks([html ?? ""]);
    const parsed = parseHtml(html ?? "");
    expect("text" in parsed && parsed.text).toContain(evil);
  });

  it("keeps a short message in one chunk without a part counter", () => {
    const chunks = renderTelegram(content({ quote: { label: "Result", text: lorem(40) } }));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toContain("<b>Result:</b>");
  });

  it("renders a message without a quote or footer", () => {
    expect(renderTelegram(content({ quote: null, footer: null, fields: [] }))).toEqual([
      "✅ <b>Claude Code task complete</b>",
    ]);
  });

  it("shows an empty quote as (empty), not an empty entity", () => {
    const [html] = renderTelegram(content({ quote: { label: "Result", text: "" } }));
    expect(html).toContain("<b>Result:</b>\n<i>(empty)</i>\n");
  });

  it("splits a 100 KB log at line boundaries, in order, within maxChunks", () => {
    const log = lorem(1300); // ~104 KB
    const chunks = renderTelegram(content({ quote: { label: "Result", text: log } }), { maxChunks: 40 });
    expectValidChunks(chunks);
    expect(chunks.length).toBeGreaterThan(25);
    expect(chunks.length).toBeLessThanOrEqual(40);
    const quoted = chunks.map((c) =>
      decodeHtmlText(/<blockquote expandable>([\s\S]*)<\/blockquote>/.exec(c)?.[1] ?? ""),
    );
    expect(quoted.join("\n")).toBe(log);
    for (const q of quoted) expect(q.endsWith("x")).toBe(true); // cut after whole lines only
    expect(chunks[0]).toContain(`<b>Result (1/${chunks.length}):</b>`);
    expect(chunks[1]).toMatch(/^✅ <b>Result \(2\/\d+\):<\/b>\n<blockquote expandable>000/);
    expect(chunks.at(-1)).toMatch(/<\/blockquote>\nFull output: \/home\/me\/\.cctask\/runs\/r1\/result\.md$/);
  });

  it("trims a 1 MB result to maxChunks chunks, counting what is left out, footer kept", () => {
    const result = `${"<&>".repeat(1000)}\n${lorem(13_000)}`; // ~1 MB, escapes expand 3-4×
    const chunks = renderTelegram(content({ quote: { label: "Result", text: result } }));
    expect(chunks).toHaveLength(4);
    expectValidChunks(chunks);
    for (const c of chunks) expect(visibleLength(c)).toBeGreaterThan(3000);
    const last = chunks[3] ?? "";
    expect(last).toMatch(/\n… \(\d+ more characters\)<\/blockquote>\nFull output: \S+result\.md$/);
    const shown = chunks.map((c) => /<blockquote expandable>([\s\S]*)<\/blockquote>/.exec(c)?.[1] ?? "");
    const omitted = Number(/\((\d+) more characters\)/.exec(last)?.[1]);
    const shownText = decodeHtmlText(shown.join("\n")).replace(/\n… \(\d+ more characters\)$/, "");
    expect(result.startsWith(shownText)).toBe(true);
    expect(omitted).toBe(result.length - shownText.length - 1);
  });

  it("never splits a surrogate pair or an escape sequence", () => {
    const text = "😀&".repeat(30_000); // no line breaks or spaces: hard cuts only
    const chunks = renderTelegram(content({ quote: { label: "Result", text } }), { maxChunks: 6 });
    expectValidChunks(chunks);
    for (const c of chunks) {
      expect(c).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(c).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  it("replaces lone surrogates, which are not valid UTF-8", () => {
    const [html] = renderTelegram(content({ quote: { label: "Result", text: "a\uD83Db" } }));
    expect(html).toContain("a\uFFFDb");
  });

  it("never splits a heartbeat: one message, truncated", () => {
    const chunks = renderTelegram(
      content({ kind: "heartbeat", icon: "📡", quote: { label: "Last output", text: lorem(2000) } }),
      { maxChunks: 4 },
    );
    expect(chunks).toHaveLength(1);
    expectValidChunks(chunks);
    expect(chunks[0]).toMatch(/more characters\)<\/blockquote>\nFull output: /);
  });

  it("bounds huge titles, labels, fields and footers so the quote keeps room", () => {
    const big = "y".repeat(10_000);
    const many = Array.from({ length: 50 }, (_, i): [string, string] => [`F${i}`, big]);
    const chunks = renderTelegram(
      content({
        title: big,
        fields: [[big, big], ...many],
        footer: big,
        quote: { label: big, text: lorem(500) },
      }),
    );
    expectValidChunks(chunks);
    expect(chunks.length).toBeLessThanOrEqual(4);
    expect(chunks[0]).toMatch(/… \(\d+ more fields\)/);
    expect(chunks.at(-1)).toMatch(/more characters\)<\/blockquote>\ny+…$/);
  });
});

describe("renderTelegramPlain", () => {
  it("shows the same text as the HTML rendering, chunk for chunk", () => {
    const c = content({ quote: { label: "Result", text: `<b>&amp;\n${lorem(400)}` } });
    const html = renderTelegram(c, { maxChunks: 3 });
    const plain = renderTelegramPlain(c, { maxChunks: 3 });
    expect(plain).toHaveLength(html.length);
    expect(plain).toEqual(html.map(decodeHtmlText));
    expect(plain[0]).toMatch(/^✅ Claude Code task complete\nTask: fix the tests\n/);
    expect(plain[0]).toContain("Result (1/3):\n<b>&amp;\n");
  });
});

describe("visibleLength", () => {
  it("counts text after entity parsing, in UTF-16 units", () => {
    expect(visibleLength("<b>a&amp;b</b> &lt;&#128512;&#x41;")).toBe(8); // a&b, space, <, 😀 (2), A
    expect(visibleLength("😀")).toBe(2);
  });
});
