/** Path parameters several routes share. */
import * as z from "zod";

/** `{email}`: a person, matched case-insensitively as we store it. */
export const emailParams = z.object({
  email: z.string().trim().toLowerCase().min(1, "Must not be empty.").max(254, "At most 254 characters."),
});
