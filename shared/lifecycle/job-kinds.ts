/**
 * The job kinds this service runs: the one list. The `JobKind` type, each kind's lane, the API's
 * and the OpenAPI document's kind enums, the metric dimensions and the alarms all come from here.
 * Adding a kind is its module (see job-kind.ts and offboard.ts) and one line below.
 */
import { deleteKind } from "./delete";
import { importKind } from "./import";
import { jobKindRegistry } from "./job-kind";
import type { JobKind } from "./model";
import { offboardKind } from "./offboard";
import { onboardKind } from "./onboard";
import { updateKind } from "./update";

const DEFINITIONS = [onboardKind, updateKind, offboardKind, deleteKind, importKind] as const;

export const JOB_KINDS = jobKindRegistry(DEFINITIONS);

/** The kinds as a tuple, for enums (zod, OpenAPI). */
export const JOB_KIND_NAMES = DEFINITIONS.map((definition) => definition.kind) as [JobKind, ...JobKind[]];

// Every kind a module declared (model.ts's JobKindShapes) is listed above, and nothing else.
type Listed = (typeof DEFINITIONS)[number]["kind"];
const everyKindListed: [JobKind] extends [Listed] ? true : never = true;
void everyKindListed;
