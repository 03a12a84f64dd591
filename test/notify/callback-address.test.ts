/** The SSRF guard's judgement of addresses and of callback URLs as submitted. */
import { describe, expect, it } from "vitest";
import { onboardRequest } from "../../shared/lifecycle/requests";
import {
  callbackPortProblem,
  callbackUrlProblem,
  classifyAddress,
} from "../../shared/notify/callback-address";

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
    ["127.1", "internal"], // not a strict literal: never read as 127.0.0.1
    ["192.88.99.1", "internal"], // 6to4 relay anycast
    ["192.0.2.1", "internal"],
    ["198.18.0.1", "internal"],
    ["240.0.0.1", "internal"],
    // ::/96, IPv4-compatible
    ["::7f00:1", "loopback"],
    ["::127.0.0.1", "loopback"],
    ["::a9fe:a9fe", "metadata"],
    ["::a00:1", "internal"],
    ["::5db8:d822", "allowed"],
    // ::ffff:0:0/96, mapped
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:c0a8:101", "internal"],
    // ::ffff:0:0:0/96, translated (RFC 6145)
    ["::ffff:0:a00:1", "internal"],
    ["::ffff:0:5db8:d822", "allowed"],
    // 64:ff9b::/96, NAT64
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::93.184.216.34", "allowed"],
    // 64:ff9b:1::/48, NAT64 local use: never global, whatever it carries
    ["64:ff9b:1::5db8:d822", "internal"],
    ["64:ff9b:1:ffff::1", "internal"],
    // 2002::/16, 6to4: the 32 bits after the prefix
    ["2002:7f00:1::", "loopback"],
    ["2002:a9fe:a9fe::1", "metadata"],
    ["2002:c0a8:101::1", "internal"],
    ["2002:5db8:d822::1", "allowed"],
    // 2001::/32, Teredo: the client is the last 32 bits inverted (7f00:0001 → 80ff:fffe)
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"],
    ["2001:0:4136:e378:8000:63bf:5601:5601", "metadata"],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "internal"],
    ["2001:0:4136:e378:8000:63bf:a247:27dd", "allowed"],
    // IPv6 outside global unicast, or in its special blocks
    ["fec0::1", "internal"], // site-local
    ["100::1", "internal"], // discard
    ["2001:db8::1", "internal"], // documentation
    ["2001:2::1", "internal"], // benchmarking
    ["2001:10::1", "internal"], // ORCHID
    ["3fff::1", "internal"], // documentation (RFC 9637)
    ["4000::1", "internal"], // not allocated
    ["::2:0:0", "internal"], // in ::/96, carries 0.2.0.0
    ["ff02::1", "internal"],
    ["2a00:1450:4001::200e", "allowed"],
    ["93.184.216.34", "allowed"],
    ["172.32.0.1", "allowed"],
    ["2606:4700::1111", "allowed"],
    ["::ffff:93.184.216.34", "allowed"],
  ])("%s is %s", (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});

describe("callback ports", () => {
  it.each([
    ["https://hooks.example.com/hook", [443], undefined],
    ["https://hooks.example.com:443/hook", [443], undefined],
    ["https://hooks.example.com:8443/hook", [443], /Port 8443 is not allowed/],
    ["https://hooks.example.com:8443/hook", [443, 8443], undefined],
    ["https://hooks.example.com/hook", [8443], /Port 443 is not allowed/],
    ["http://127.0.0.1:3000/hook", [443], undefined], // loopback: local mode only, any port
    ["http://localhost:3000/hook", [443], undefined],
  ] as const)("%s with ports %j", (url, ports, problem) => {
    const found = callbackPortProblem(new URL(url), ports);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
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
    ["https://[::a00:1]/hook", /private/],
    ["https://[2002:a00:1::]/hook", /private/],
    ["https://192.88.99.1/hook", /private/],
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
