import type { Config } from "../../config.js";
import type { OpenClawRoute, WakePreview } from "../route.js";

// The wake module fills this in: which wake path a route will use, and why the others will not.
export async function previewWake(_route: OpenClawRoute, _config: Config): Promise<WakePreview> {
  return { chosen: null, checks: [] };
}
