/**
 * The SCIM schemas we serve, as scimmy's definitions: core User and Group and the enterprise
 * extension (RFC 7643 §4, §8.7.1) as scimmy ships them, and ours,
 * `urn:ietf:params:scim:schemas:extension:dialpad:2.0:User` (officeName, license, areaCode,
 * extension). The wire modules read attribute names, multi-valuedness and boolean types from here,
 * so dialect normalisation and PATCH follow the schemas rather than a second list.
 */
import { EnterpriseUser, Group, User } from "scimmy/schemas";
import { Attribute, SchemaDefinition } from "scimmy/types";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const DIALPAD_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/** SCIM 1.1's core schema, still sent by Google Workspace and OneLogin. */
export const CORE_1_SCHEMA = "urn:scim:schemas:core:1.0";
export const ENTERPRISE_1_SCHEMA = "urn:scim:schemas:extension:enterprise:1.0";

export type ResourceKind = "User" | "Group";

const ours = (name: string, description: string) => new Attribute("string", name, { description });

export const DIALPAD_USER_DEFINITION = new SchemaDefinition(
  "DialpadUser",
  DIALPAD_USER_SCHEMA,
  "What places a person in Dialpad, mapped by IdP admins from their own attributes.",
  [
    ours("officeName", "The Dialpad office (its name, case-insensitively) the person is onboarded into."),
    ours("license", "The Dialpad licence (e.g. talk); the office needs a seat of it."),
    ours("areaCode", "The area code a number is assigned from at onboarding."),
    ours("extension", "The person's extension."),
  ],
);

export const USER_DEFINITION = User.definition;
export const GROUP_DEFINITION = Group.definition;
export const ENTERPRISE_USER_DEFINITION = EnterpriseUser.definition;

/** Core schema first, then its extensions (by the URN each lives under in a resource). */
export const SCHEMAS_OF: Record<ResourceKind, { core: SchemaDefinition; extensions: SchemaDefinition[] }> = {
  User: { core: USER_DEFINITION, extensions: [ENTERPRISE_USER_DEFINITION, DIALPAD_USER_DEFINITION] },
  Group: { core: GROUP_DEFINITION, extensions: [] },
};

export interface AttributeFacts {
  /** The attribute's name as the schema spells it. */
  name: string;
  multiValued: boolean;
  type: string;
  /** Sub-attributes by lower-case name. */
  sub: Map<string, AttributeFacts>;
}

function facts(attributes: readonly Attribute[]): Map<string, AttributeFacts> {
  const map = new Map<string, AttributeFacts>();
  for (const attribute of attributes) {
    const sub = (attribute as Attribute & { subAttributes?: Attribute[] }).subAttributes ?? [];
    map.set(attribute.name.toLowerCase(), {
      name: attribute.name,
      multiValued: attribute.config.multiValued === true,
      type: attribute.type,
      sub: facts(sub),
    });
  }
  return map;
}

const FACTS = new Map<string, Map<string, AttributeFacts>>(
  [USER_DEFINITION, GROUP_DEFINITION, ENTERPRISE_USER_DEFINITION, DIALPAD_USER_DEFINITION].map((d) => [
    d.id.toLowerCase(),
    facts(d.attributes),
  ]),
);

/** What a schema says of one of its top-level attributes (names case-insensitive). */
export function attributeFacts(schema: string, name: string): AttributeFacts | undefined {
  return FACTS.get(schema.toLowerCase())?.get(name.toLowerCase());
}

/** The known schema URN `text` starts with (case-insensitively), followed by `:` or the end. */
export function schemaPrefix(kind: ResourceKind, text: string): string | undefined {
  const lower = text.toLowerCase();
  const { core, extensions } = SCHEMAS_OF[kind];
  return [core, ...extensions]
    .map((d) => d.id)
    .find((id) => lower.startsWith(id.toLowerCase()) && [":", undefined].includes(lower[id.length]));
}

/** The extension that defines a top-level attribute the core schema does not (e.g. `manager`). */
export function extensionDefining(kind: ResourceKind, name: string): string | undefined {
  const { core, extensions } = SCHEMAS_OF[kind];
  if (attributeFacts(core.id, name)) return undefined;
  return extensions.find((d) => attributeFacts(d.id, name))?.id;
}
