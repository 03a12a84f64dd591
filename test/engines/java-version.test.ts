/** DynamoDB Local 3 needs Java 17+: the version check reads `java -version`'s banner. */
import { describe, expect, it } from "vitest";
import { javaMajorVersion } from "../../local/engines/dynamodb-local";

describe("javaMajorVersion", () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "11.0.2-ea" 2019-01-15', 11],
  ])("reads %s as %i", (banner, major) => {
    expect(javaMajorVersion(banner)).toBe(major);
  });

  it("answers undefined when the banner names no version", () => {
    expect(javaMajorVersion("something else entirely")).toBeUndefined();
  });
});
