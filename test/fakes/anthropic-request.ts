// Parsing of the CLI's /v1/messages request body and the anchor rule of §9.5.
// The body is ~50 KB of JSON whose message content may be a string or an array of blocks;
// everything here is defensive because a throw would surface as a confusing API error.

export interface ApiMessage {
  role: string;
  content: unknown;
}

export interface FakeRequest {
  model: string;
  stream: boolean;
  messages: ApiMessage[];
  toolCount: number;
  /** The whole parsed body, for tests that want to look deeper. */
  json: unknown;
}

export interface Anchor {
  /** Anchor text with `<system-reminder>` blocks removed and trimmed. */
  text: string;
  /** Anchor text as sent (used to key retry counting). */
  raw: string;
  turn: number;
  taskNotification: boolean;
  /** Cleaned text of the first real prompt of the conversation. */
  firstPromptText: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function parseRequest(raw: string): FakeRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = {};
  }
  const body = isRecord(json) ? json : {};
  const messages = Array.isArray(body.messages)
    ? body.messages.filter(isRecord).map((m) => ({ role: String(m.role), content: m.content }))
    : [];
  return {
    model: typeof body.model === "string" ? body.model : "claude-fake",
    stream: body.stream === true,
    messages,
    toolCount: Array.isArray(body.tools) ? body.tools.length : 0,
    json,
  };
}

function blocksOf(content: unknown): Record<string, unknown>[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

function textOf(content: unknown): string {
  return blocksOf(content)
    .filter((b) => b.type === "text" && typeof b.text === "string")
    .map((b) => b.text as string)
    .join("\n");
}

const isPrompt = (m: ApiMessage) =>
  m.role === "user" && !blocksOf(m.content).some((b) => b.type === "tool_result");

export const stripReminders = (text: string) =>
  text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").trim();

export function anchorOf(all: ApiMessage[]): Anchor {
  // Mid-conversation role:"system" entries (environment info) are not part of the dialogue.
  const messages = all.filter((m) => m.role !== "system");
  let index = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && isPrompt(m)) {
      index = i;
      break;
    }
  }
  const anchorMsg = index >= 0 ? messages[index] : undefined;
  const raw = anchorMsg ? textOf(anchorMsg.content) : "";
  const first = messages.find(isPrompt);
  return {
    text: stripReminders(raw),
    raw,
    turn: messages.slice(index + 1).filter((m) => m.role === "assistant").length,
    // The notification may itself be wrapped in a reminder, so look at the raw text.
    taskNotification: raw.includes("<task-notification>"),
    firstPromptText: first ? stripReminders(textOf(first.content)) : "",
  };
}
