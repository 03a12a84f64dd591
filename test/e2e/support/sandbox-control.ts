/**
 * The embedded sandbox's /__sandbox/ control routes, read over HTTP from the test process (the
 * sandbox lives inside the local-mode process).
 */
export interface SandboxUser {
  id: string;
  emails: string[];
  state: string;
  phoneNumbers: string[];
  callCenterIds: string[];
}

export interface SandboxState {
  users: SandboxUser[];
  callCenters: { id: string; name: string }[];
  webhooks: { id: string; hookUrl: string; signed: boolean; subscribed: boolean }[];
}

export async function sandboxState(sandboxUrl: string): Promise<SandboxState> {
  const response = await fetch(`${sandboxUrl}/__sandbox/state`);
  if (!response.ok) throw new Error(`sandbox state answered ${response.status}`);
  return (await response.json()) as SandboxState;
}

export async function sandboxByHand(sandboxUrl: string, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(`${sandboxUrl}/__sandbox/by-hand${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`sandbox by-hand ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
