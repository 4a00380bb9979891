/**
 * Telegram renderings of a notification: HTML (parse_mode "HTML", telegram.md §3) and the same
 * layout as plain text, for resending once when Telegram cannot parse the markup. Both come from
 * one layout, so chunk i of either shows the same characters.
 */
import type { NotificationContent } from "../notification.js";
import { type Chunk, DEFAULT_MAX_CHUNKS, layoutChunks, type Span } from "./telegram-layout.js";

export { CHUNK_BUDGET, DEFAULT_MAX_CHUNKS } from "./telegram-layout.js";

export interface RenderOptions {
  /** Most messages one notification may take (default 4). Heartbeats always take one. */
  maxChunks?: number;
}

/** Escapes text for Telegram HTML: `&` first, then `<` `>`; `"` too when the text goes in an attribute. */
export function escapeHtml(text: string, opts: { attribute?: boolean } = {}): string {
  const escaped = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return opts.attribute ? escaped.replaceAll('"', "&quot;") : escaped;
}

/** Telegram HTML messages for `content`, in sending order; each ≤ 4000 visible characters. */
export function renderTelegram(content: NotificationContent, opts: RenderOptions = {}): string[] {
  return layoutChunks(content, chunkLimit(content, opts)).map(renderChunkHtml);
}

/** The same messages as plain text (no parse_mode); chunk i matches chunk i of renderTelegram. */
export function renderTelegramPlain(content: NotificationContent, opts: RenderOptions = {}): string[] {
  return layoutChunks(content, chunkLimit(content, opts)).map((chunk) => chunk.map((s) => s.text).join(""));
}

// A heartbeat is a live card edited in place: it must stay one message.
function chunkLimit(content: NotificationContent, opts: RenderOptions): number {
  return content.kind === "heartbeat" ? 1 : (opts.maxChunks ?? DEFAULT_MAX_CHUNKS);
}

function renderChunkHtml(chunk: Chunk): string {
  return chunk.map(renderSpanHtml).join("");
}

function renderSpanHtml(s: Span): string {
  const text = escapeHtml(s.text);
  switch (s.style) {
    case "plain":
      return text;
    case "bold":
      return `<b>${text}</b>`;
    case "italic":
      return `<i>${text}</i>`;
    case "quote":
      return `<blockquote expandable>${text}</blockquote>`;
    default: {
      const never: never = s.style;
      throw new Error(`unknown span style ${String(never)}`);
    }
  }
}

/**
 * What Telegram counts against its 4096 limit: the text after entity parsing, in UTF-16 units
 * (tags do not count; `&amp;` counts 1; an emoji outside the BMP counts 2).
 */
export function visibleLength(html: string): number {
  return decodeHtmlText(html).length;
}

/** The text Telegram would show for `html`: tags dropped, the entities it supports decoded. */
export function decodeHtmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(
      /&(?:(lt|gt|amp|quot)|#(\d+)|#x([0-9a-f]+));/gi,
      (_m, named?: string, dec?: string, hex?: string) => {
        if (named) return { lt: "<", gt: ">", amp: "&", quot: '"' }[named.toLowerCase()] ?? "";
        const code = dec ? Number(dec) : Number.parseInt(hex ?? "", 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : "\uFFFD";
      },
    );
}
