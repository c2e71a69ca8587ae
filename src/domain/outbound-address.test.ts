import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressRefusal,
  callbackUrlRefusal,
  NO_EXCEPTIONS,
  parseIp,
  parseRange,
  parseRanges,
  type OutboundPolicy,
} from "./outbound-address.ts";

function policy(allow: string, deny = ""): OutboundPolicy {
  const a = parseRanges(allow);
  const d = parseRanges(deny);
  assert.deepEqual([...a.errors, ...d.errors], []);
  return { allow: a.ranges, deny: d.ranges };
}

describe("where callbacks may go", () => {
  // Each bypass of the security review (issue 16), and its relatives.
  const refusedUrls: [url: string, reason: RegExp][] = [
    ["http://127.0.0.1/hook", /loopback/],
    ["http://127.1.2.3:8083/", /loopback/],
    ["http://169.254.169.254/latest/meta-data/", /link-local/],
    ["http://kubernetes.default.svc/api", /internal name \(\.svc\)/],
    ["https://kubernetes.default.svc.cluster.local/", /internal name \(\.cluster\.local\)/],
    ["http://cu-n3.ran-other.svc.cluster.local:2152/", /internal name/],
    ["http://ranaas-status:8083/v1/status", /single-label/],
    ["http://localhost:8080/", /single-label/],
    ["http://app.localhost/", /internal name \(\.localhost\)/],
    ["http://localhost./", /single-label/],
    ["http://[::1]/", /loopback/],
    ["http://[::ffff:127.0.0.1]/", /IPv4-mapped/],
    ["http://[::ffff:a9fe:a9fe]/", /IPv4-mapped/],
    ["http://[fe80::1]/", /link-local/],
    ["http://[fd00:ec2::254]/", /unique-local/],
    ["http://[64:ff9b::a9fe:a9fe]/", /NAT64/],
    ["http://[2002:7f00:1::]/", /6to4/],
    ["http://2130706433/", /loopback/],
    ["http://0x7f.1/", /loopback/],
    ["http://0177.0.0.1/", /loopback/],
    ["http://0x7f000001/", /loopback/],
    ["http://10.0.0.8/", /private/],
    ["http://172.20.1.1/", /private/],
    ["http://192.168.1.1/", /private/],
    ["http://100.64.0.1/", /carrier-grade NAT/],
    ["http://224.0.0.1/", /multicast/],
    ["http://255.255.255.255/", /reserved or broadcast/],
    ["http://0.0.0.0:8080/", /unspecified/],
    ["http://[::]/", /unspecified/],
    ["http://user:pw@example.com/", /credentials/],
    ["ftp://example.com/", /http or https/],
    ["http://metadata.google.internal/", /internal name \(\.internal\)/],
    ["http://printer.local/", /internal name \(\.local\)/],
  ];
  for (const [url, reason] of refusedUrls)
    it(`refuses ${url}`, () => {
      const refusal = callbackUrlRefusal(url, NO_EXCEPTIONS);
      assert.ok(refusal !== undefined, `${url} was accepted`);
      assert.match(refusal, reason);
    });

  it("accepts public names and addresses", () => {
    for (const url of [
      "https://hooks.example.com/ran-events",
      "http://198.20.0.7:8080/x",
      "https://[2606:4700::1111]/",
      "https://8.8.8.8/",
    ])
      assert.equal(callbackUrlRefusal(url, NO_EXCEPTIONS), undefined, url);
  });

  it("opens an internal range, or one port of it, when the admin allows it", () => {
    const open = policy("127.0.0.1/32:9000, 10.20.0.0/16, [fd00::/8]:443");
    assert.equal(callbackUrlRefusal("http://127.0.0.1:9000/", open), undefined);
    assert.match(callbackUrlRefusal("http://127.0.0.1:9001/", open) ?? "", /loopback/);
    assert.equal(callbackUrlRefusal("http://10.20.3.4/", open), undefined);
    assert.match(callbackUrlRefusal("http://10.21.3.4/", open) ?? "", /private/);
    assert.equal(addressRefusal("fd00::5", 443, open), undefined);
    assert.match(addressRefusal("fd00::5", 80, open) ?? "", /unique-local/);
  });

  it("refuses the cluster's own ranges when they are public addresses", () => {
    const cluster = policy("", "203.0.114.0/24, 2001:470:1::/48");
    assert.match(
      addressRefusal("203.0.114.4", 80, cluster) ?? "",
      /inside the cluster \(203\.0\.114\.0\/24\)/,
    );
    assert.match(addressRefusal("2001:470:1::9", 80, cluster) ?? "", /inside the cluster/);
    assert.equal(addressRefusal("203.0.115.4", 80, cluster), undefined);
  });
});

describe("reading addresses and ranges", () => {
  it("reads IPv4 and IPv6 in their canonical forms and nothing else", () => {
    assert.deepEqual([...(parseIp("10.1.2.3") ?? [])], [10, 1, 2, 3]);
    assert.deepEqual([...(parseIp("::1") ?? [])], [...new Array<number>(15).fill(0), 1]);
    assert.deepEqual([...(parseIp("::ffff:1.2.3.4") ?? []).slice(10)], [0xff, 0xff, 1, 2, 3, 4]);
    for (const bad of ["1.2.3", "1.2.3.256", "01.2.3.4", "1:2:3", "1::2::3", "g::1", "1:2:3:4:5:6:7:8:9", ""])
      assert.equal(parseIp(bad), undefined, bad);
  });

  it("reads ranges with an optional port, and says what is wrong with a bad one", () => {
    assert.deepEqual(parseRange("127.0.0.1/32:9000"), {
      bytes: new Uint8Array([127, 0, 0, 1]),
      prefix: 32,
      port: 9000,
      text: "127.0.0.1/32:9000",
    });
    const v6 = parseRange("[::1]:8443");
    assert.ok(!("error" in v6) && v6.prefix === 128 && v6.port === 8443);
    for (const bad of ["10.0.0.0/33", "10.0.0.0/x", "example.com", "10.0.0.1:0", "[::1]:70000", "fd00::/129"])
      assert.ok("error" in parseRange(bad), bad);
    assert.deepEqual(parseRanges("10.0.0.0/8, nope").errors, [
      '"nope" is not an IP address or CIDR range (e.g. 10.96.0.0/12, fd00::/8)',
    ]);
  });
});
