/** The SSRF guard's judgement of addresses and of callback URLs as submitted. */
import { describe, expect, it } from "vitest";
import { onboardRequest } from "../../shared/lifecycle/requests";
import { callbackUrlProblem, classifyAddress } from "../../shared/notify/callback-address";

describe("classifyAddress", () => {
  it.each([
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "internal"],
    ["172.16.0.1", "internal"],
    ["172.31.255.255", "internal"],
    ["192.168.1.1", "internal"],
    ["100.64.0.1", "internal"],
    ["169.254.1.1", "internal"],
    ["0.0.0.0", "internal"],
    ["224.0.0.1", "internal"],
    ["255.255.255.255", "internal"],
    ["fc00::1", "internal"],
    ["fd12:3456::1", "internal"],
    ["fe80::1", "internal"],
    ["::", "internal"],
    ["::ffff:10.0.0.1", "internal"],
    ["::ffff:a00:1", "internal"],
    ["64:ff9b::c0a8:101", "internal"],
    ["not-an-address", "internal"],
    ["93.184.216.34", "allowed"],
    ["172.32.0.1", "allowed"],
    ["2606:4700::1111", "allowed"],
    ["::ffff:93.184.216.34", "allowed"],
  ])("%s is %s", (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});

describe("callback_url as submitted", () => {
  it.each([
    "https://hooks.example.com/dialpad?token=abc",
    "https://93.184.216.34/hook",
    "http://127.0.0.1:8080/hook",
    "http://localhost:3000/hook",
    "http://[::1]:3000/hook",
  ])("accepts %s", (url) => {
    expect(callbackUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", /metadata/],
    ["https://169.254.169.254/", /metadata/],
    ["https://[fd00:ec2::254]/", /metadata/],
    ["https://10.0.0.5/hook", /private/],
    ["https://192.168.1.10/hook", /private/],
    ["https://[fe80::1]/hook", /private/],
    ["https://[::ffff:10.0.0.5]/hook", /private/],
    ["http://hooks.example.com/hook", /https/],
    ["ftp://hooks.example.com/hook", /https/],
    ["https://user:pass@hooks.example.com/hook", /credentials/],
  ])("refuses %s", (url, why) => {
    expect(callbackUrlProblem(url)).toMatch(why);
  });

  it("is a 400-style field error of the request schemas", () => {
    const result = onboardRequest.safeParse({
      email: "ada@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      office_name: "HQ",
      callback_url: "http://169.254.169.254/latest/meta-data/",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["callback_url"]);
  });
});
