// Types for the mockaws Node helper (index.cjs). The control API they
// describe is documented in the mockaws README, "The control API".

/** A request the server refused, or a server that could not be reached. */
export class MockawsError extends Error {
  /** The HTTP status; 0 when the server did not answer (or did not start). */
  readonly status: number;
  readonly method?: string;
  readonly path?: string;
  /** The server's own `error` text. */
  readonly serverMessage?: string;
  /** The parsed answer (or its text when it was not JSON). */
  readonly body?: unknown;
}

/** A matcher is a literal, or a PCRE2 pattern anchored at both ends. */
export interface FaultRule {
  id?: string;
  description?: string;
  name?: string;
  service?: string;
  operation?: string;
  resource?: string;
  account?: string;
  region?: string;
  error?: string | { code: string; status?: number; message?: string };
  delay_ms?: number | { min: number; max: number };
  connection?: 'reset' | 'close' | 'timeout';
  /** DynamoDB's batches. */
  unprocessed?: boolean | number;
  /** DynamoDB's transactions. */
  transaction_conflict?: boolean | number;
  /** SNS's PublishBatch, SQS's batches. */
  failed_entries?: boolean | number;
  after?: number;
  times?: number;
  every?: number;
  probability?: number;
  seed?: number;
  from_ms?: number;
  until_ms?: number;
}

/** A rule as listed: with its id and how often it matched and fired. */
export interface FaultRuleStatus extends FaultRule {
  id: string;
  matched: number;
  fired: number;
  expired: boolean;
}

export interface JournalFilters {
  service?: string;
  operation?: string;
  /** An error code. */
  error?: string;
  /** Only entries after this sequence number. */
  since?: number;
  limit?: number;
}

export interface JournalEntry {
  seq: number;
  /** ISO 8601 UTC with milliseconds, server clock. */
  time: string;
  time_ms: number;
  connection: number;
  request_id: string | null;
  account: string | null;
  region: string | null;
  service: string | null;
  operation: string | null;
  resource: string | null;
  status: number;
  error: string | null;
  /** The id of the fault rule that fired. */
  fault: string | null;
  duration_us: number;
  invocation_id: string | null;
  attempt: number | null;
  max_attempts?: number;
  /** The service that made the request (SNS or S3 delivering to SQS). */
  caller?: string;
  principal?: string;
  authz?: string;
  /** `<field>_base64` beside a field whose bytes were not UTF-8. */
  [base64Sibling: `${string}_base64`]: string | undefined;
}

export interface ClockState {
  mode: 'real' | 'virtual';
  now_ms: number;
}

export interface Health {
  status: 'ok';
  version: string;
  services: Record<string, string>;
}

/** One namespace of a fixture document; each service defines its section. */
export interface FixtureNamespace {
  account?: string;
  region?: string;
  description?: string;
  name?: string;
  s3?: Record<string, unknown>;
  dynamodb?: Record<string, unknown>;
  sns?: Record<string, unknown>;
  sqs?: Record<string, unknown>;
  ec2?: Record<string, unknown>;
  iam?: Record<string, unknown>;
  faults?: FaultRule[];
  [service: string]: unknown;
}

export type FixtureDocument = FixtureNamespace | FixtureNamespace[] | { namespaces: FixtureNamespace[] };

export interface StateDump {
  namespaces: FixtureNamespace[];
}

export interface SnapshotTaken {
  name: string;
  /** How many namespaces it holds. */
  namespaces: number;
  /** The journal's last sequence number when it was taken with `journal`, else null. */
  journal_seq: number | null;
}

export interface SnapshotInfo extends SnapshotTaken {
  created_ms: number;
}

export interface Scenario {
  name?: string;
  description?: string;
  fixtures?: FixtureDocument | string | Array<FixtureDocument | string>;
  faults?: FaultRule[];
  clock?: { mode?: 'real' | 'virtual'; advance_ms?: number };
  expect?: Array<Record<string, unknown>>;
}

export interface VerifyReport {
  name: string | null;
  passed: boolean;
  results: Array<{ expect: Record<string, unknown>; passed: boolean; actual: unknown; message: string | null }>;
}

export interface SnsMessages {
  messages: Array<{
    message_id: string;
    topic_arn: string;
    subject?: string | null;
    message: string;
    attributes?: Record<string, unknown>;
    group_id?: string | null;
    time?: string;
    deliveries?: Array<Record<string, unknown>>;
    [field: string]: unknown;
  }>;
  confirmations: Array<Record<string, unknown>>;
}

export interface SqsQueueMessages {
  account: string;
  region: string;
  name: string;
  arn: string;
  messages: Array<{ delayed_until?: number; in_flight_until?: number; [field: string]: unknown }>;
}

export interface Journal {
  /** Entries oldest first. */
  (filters?: JournalFilters): Promise<JournalEntry[]>;
  clear(): Promise<void>;
}

export interface Faults {
  /** Adds one rule: its id. */
  add(rule: FaultRule): Promise<string>;
  /** Adds all of the rules or none: their ids. */
  add(rules: FaultRule[]): Promise<string[]>;
  remove(id: string): Promise<void>;
  clear(): Promise<void>;
  list(): Promise<FaultRuleStatus[]>;
}

export interface Clock {
  get(): Promise<ClockState>;
  /** The server's time in ms since the epoch. */
  now(): Promise<number>;
  /** Freezes server time. */
  virtual(): Promise<ClockState>;
  real(): Promise<ClockState>;
  /** Moves server time on (and does the work that became due). */
  advance(ms: number): Promise<ClockState>;
}

export interface SnsMessagesCall {
  (filters?: { topic_arn?: string; account?: string; region?: string }): Promise<SnsMessages>;
  clear(): Promise<void>;
}

export interface ClientOptions {
  /** The control token (--control-token); default MOCKAWS_CONTROL_TOKEN. */
  token?: string;
}

/** The control API of one server (/_mockaws/...). */
export class MockawsClient {
  constructor(endpoint: string, options?: ClientOptions);
  readonly endpoint: string;
  readonly journal: Journal;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly snsMessages: SnsMessagesCall;
  /** Any control request: the parsed answer, or a MockawsError. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  health(): Promise<Health>;
  /** Drops all state, fault rules, STS credentials and the journal. */
  reset(): Promise<void>;
  state(): Promise<StateDump>;
  load(doc: FixtureDocument): Promise<void>;
  /** Writes the state to the server's --state-dir now. */
  saveState(): Promise<Record<string, unknown>>;
  /** Takes (or replaces) a snapshot; with journal, restoring it also drops later journal entries. */
  snapshot(name?: string, options?: { journal?: boolean }): Promise<SnapshotTaken>;
  restore(name?: string): Promise<{ restored: string }>;
  snapshots(): Promise<SnapshotInfo[]>;
  deleteSnapshot(name: string): Promise<void>;
  scenario(doc: Scenario): Promise<void>;
  verify(): Promise<VerifyReport>;
  sqsMessages(filters?: { queue?: string; account?: string; region?: string }): Promise<SqsQueueMessages[]>;
}

/** What SDKs read: set on process.env by `setEnv` (undefined = unset). */
export interface SdkEnv {
  AWS_ENDPOINT_URL: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: undefined;
  AWS_REGION: string;
  AWS_DEFAULT_REGION: string;
  MOCKAWS_ENDPOINT: string;
}

/** An AWS SDK for JavaScript v3 client's settings. */
export interface SdkConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface Mockaws {
  /** http://HOST:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** The server's process id (undefined for connectMockaws). */
  readonly pid?: number;
  readonly client: MockawsClient;
  readonly env: SdkEnv;
  sdkConfig(): SdkConfig;
  /** The tail of what the server wrote (with stdio 'pipe'). */
  logs(): string;
  /**
   * Stops a server it started (SIGTERM, SIGKILL after stopTimeoutMs) and
   * puts back process.env: its exit code, rejecting when it ended by a
   * signal. For connectMockaws: null, the server keeps running.
   */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** The binary: default MOCKAWS_BIN, else `mockaws` on PATH. */
  bin?: string;
  /** More flags for the server (--seed 11, --auth verify, ...). */
  args?: string[];
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Fixture files (paths) or documents, loaded before the server listens. */
  fixtures?: string | FixtureDocument | Array<string | FixtureDocument>;
  /** More environment for the server process (over process.env). */
  env?: Record<string, string>;
  /** 'pipe' (default: kept for logs() and errors), 'inherit' or 'ignore'. */
  stdio?: 'pipe' | 'inherit' | 'ignore';
  /** Set the SDK variables (`env`) on process.env until stop(). */
  setEnv?: boolean;
  /** Default us-east-1. */
  region?: string;
  /** Start with --control-token and send it. */
  controlToken?: string;
  /** Default 60000. */
  startTimeoutMs?: number;
  /** Default 60000. */
  stopTimeoutMs?: number;
}

/**
 * Starts a server on a free port and resolves when it listens; rejects with
 * its output when it exits first. With MOCKAWS_ENDPOINT set and none of
 * bin, args, port, host, fixtures, env, controlToken given, connects to
 * that server instead.
 */
export function startMockaws(options?: StartOptions): Promise<Mockaws>;

/** A server that runs already: http://HOST:PORT or HOST:PORT (default: MOCKAWS_ENDPOINT). */
export function connectMockaws(
  endpoint?: string,
  options?: { token?: string; region?: string; setEnv?: boolean },
): Mockaws;

/** The before/after hooks of node:test, or beforeAll/afterAll of Jest and Vitest. */
export type Hooks =
  | { before: (fn: () => Promise<void>) => unknown; after: (fn: () => Promise<void>) => unknown; beforeEach?: (fn: () => Promise<void>) => unknown }
  | { beforeAll: (fn: () => Promise<void>) => unknown; afterAll: (fn: () => Promise<void>) => unknown; beforeEach?: (fn: () => Promise<void>) => unknown };

export interface UseOptions extends StartOptions {
  /**
   * Snapshot the state (journal included) once started under this name;
   * restore it, and the clock's mode, before each test.
   */
  snapshot?: string;
  /** Runs after start, before the snapshot (create tables, buckets, ...). */
  setup?: (server: Mockaws) => unknown | Promise<unknown>;
}

/** One server for the tests of a file; its fields can be read once the tests run. */
export interface UsedMockaws {
  readonly server: Mockaws;
  readonly client: MockawsClient;
  readonly endpoint: string;
  readonly env: SdkEnv;
  sdkConfig(): SdkConfig;
}

export function useMockaws(hooks: Hooks, options?: UseOptions): UsedMockaws;

declare const mockaws: {
  startMockaws: typeof startMockaws;
  connectMockaws: typeof connectMockaws;
  useMockaws: typeof useMockaws;
  MockawsClient: typeof MockawsClient;
  MockawsError: typeof MockawsError;
};
export default mockaws;
