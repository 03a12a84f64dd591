/**
 * Matches "METHOD /path" against route templates such as `/users/{id}/assign_number` and extracts
 * the path parameters. The template is also the route's name in stats and fault rules.
 */
export type RouteMatch<H> =
  | { kind: "found"; template: string; params: Record<string, string>; handler: H }
  | { kind: "method_not_allowed"; template: string }
  | { kind: "not_found" };

interface Route<H> {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: H;
}

export class RouteTable<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, template: string, handler: H): this {
    const names: string[] = [];
    const source = template
      .split("/")
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(param[1]!);
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    let template: string | undefined;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      template = route.template;
      if (route.method !== method) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]),
      );
      return { kind: "found", template: route.template, params, handler: route.handler };
    }
    return template ? { kind: "method_not_allowed", template } : { kind: "not_found" };
  }
}
