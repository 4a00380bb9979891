// Built-in scripted scenarios, chosen by a token in the prompt (the anchor). Each one is a
// tiny state machine over the turn index; tests add their own via startFakeAnthropic({scenarios}).
import type { Scenario } from "./anthropic-api.js";
import type { MessageReply, Reply } from "./anthropic-reply.js";

const text = (t: string): MessageReply => ({ blocks: [{ type: "text", text: t }] });
const bash = (command: string): MessageReply => ({
  blocks: [{ type: "tool_use", name: "Bash", input: { command, description: "scripted by the fake" } }],
});

/** Two turns: run one Bash command, then answer with `done`. */
const bashThen =
  (command: string, done: string) =>
  (turn: number): Reply =>
    turn === 0 ? bash(command) : text(done);

const agent = (background: boolean): Scenario["reply"] => {
  return ({ turn, taskNotification }) => {
    if (taskNotification) return text("AGENT_ALL_DONE");
    if (turn > 0) return text(background ? "AGENT_LAUNCHED" : "AGENT_ALL_DONE");
    return {
      blocks: [
        {
          type: "tool_use",
          name: "Agent",
          input: { description: "sub work", prompt: "SUBTASK_X do sub work", run_in_background: background },
        },
      ],
    };
  };
};

export const builtinScenarios: Record<string, Scenario> = {
  // The subagent's own prompt; listed first because its anchor may quote nothing else.
  SUBTASK_X: {
    pattern: /SUBTASK_X/,
    reply: ({ turn }) => bashThen("echo hello-from-subagent", "SUB_DONE")(turn),
  },
  SCEN_PLAIN: { pattern: /SCEN_PLAIN/, reply: () => text("PLAIN_DONE") },
  SCEN_BASH: {
    pattern: /SCEN_BASH/,
    reply: ({ turn }) => bashThen("echo hello-from-bash", "BASH_DONE")(turn),
  },
  // The CLI refuses Bash commands that start with a long `sleep`, so sleep through python.
  SCEN_SLEEP: {
    pattern: /SCEN_SLEEP_(\d+)/,
    reply: ({ turn, match }) =>
      bashThen(`python3 -c "import time; time.sleep(${match[1]})"`, "SLEEP_DONE")(turn),
  },
  SCEN_AGENT_BG: { pattern: /SCEN_AGENT_BG/, reply: agent(true) },
  SCEN_AGENT_FG: { pattern: /SCEN_AGENT_FG/, reply: agent(false) },
  SCEN_TEXT_KB: {
    pattern: /SCEN_TEXT_(\d+)KB/,
    reply: ({ match }) => {
      const size = Number(match[1]) * 1024;
      const line = "lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
      const body = line.repeat(Math.ceil(size / line.length)).slice(0, size);
      return { blocks: [{ type: "text", text: body, chunk: 256 }] };
    },
  },
  SCEN_ERR: {
    pattern: /SCEN_ERR_(\d{3})/,
    reply: ({ match }) => {
      const status = Number(match[1]);
      return status === 429 ? { status, headers: { "retry-after": "1" } } : { status };
    },
  },
  SCEN_FAIL_THEN_PLAIN: {
    pattern: /SCEN_FAIL_(\d+)_THEN_PLAIN/,
    reply: ({ match, attempt }) => (attempt < Number(match[1]) ? { status: 500 } : text("PLAIN_DONE")),
  },
  // Lets a test make the agent run a shell command of its choosing: `SCEN_NOTIFY <cmd>` (rest of the line).
  SCEN_NOTIFY: {
    pattern: /SCEN_NOTIFY[ \t]+([^\r\n]+)/,
    reply: ({ turn, match }) => bashThen((match[1] ?? "").trim(), "NOTIFY_DONE")(turn),
  },
};
