// The few calls corral makes to systemd's manager on the system bus (org.freedesktop.systemd1),
// through dbus-next: start a transient unit and wait for its job, set unit properties, stop a
// unit. One connection per corrald, opened on first use (dbus-next loads then too); every call
// has a time cap.
import type * as DBus from 'dbus-next';
import type { Message, MessageBus } from 'dbus-next';
import { FailedPreconditionError, InternalError } from '../../errors';
import { Variant, type UnitProperty } from './unit_properties';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const JOB_TIMEOUT_MS = 60_000;

/** "done", "canceled", "timeout", "failed", "dependency" or "skipped". */
type JobResult = string;

export class SystemdBus {
  private bus?: MessageBus;
  private ready?: Promise<MessageBus>;
  private dbus?: typeof DBus;
  /** Jobs that finished, by object path, kept until their caller looks (the signal may beat the reply). */
  private readonly finished = new Map<string, JobResult>();
  private readonly waiters = new Map<string, (result: JobResult) => void>();
  private version?: Promise<number>;

  /** Starts a transient unit (mode "fail") and waits until its start job ends. */
  async startTransientUnit(name: string, properties: UnitProperty[]): Promise<void> {
    const [job] = await this.callManager('StartTransientUnit', 'ssa(sv)a(sa(sv))', [name, 'fail', properties, []]);
    const result = await this.waitJob(job as string, name);
    if (result !== 'done') throw new FailedPreconditionError(`systemd could not start ${name}: job ${result}`);
  }

  /** Changes properties of a running unit for its lifetime (runtime=true: nothing written to /etc). */
  async setUnitProperties(name: string, properties: UnitProperty[]): Promise<void> {
    if (properties.length > 0) await this.callManager('SetUnitProperties', 'sba(sv)', [name, true, properties]);
  }

  /** Stops a unit and waits for it; a unit systemd does not know is already stopped. */
  async stopUnit(name: string): Promise<void> {
    let job: string;
    try {
      [job] = (await this.callManager('StopUnit', 'ss', [name, 'replace'])) as [string];
    } catch (err) {
      if (isNoSuchUnit(err)) return;
      throw err;
    }
    await this.waitJob(job, name);
  }

  /** The unit's ActiveState ("active", "inactive"…), or undefined when systemd has not loaded it. */
  async activeState(name: string): Promise<string | undefined> {
    let unitPath: string;
    try {
      [unitPath] = (await this.callManager('GetUnit', 's', [name])) as [string];
    } catch (err) {
      if (isNoSuchUnit(err)) return undefined;
      throw err;
    }
    const [value] = await this.call(unitPath, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [
      'org.freedesktop.systemd1.Unit',
      'ActiveState',
    ]);
    return (value as Variant<string>).value;
  }

  /** systemd's major version (252 on Debian 12): decides which properties it understands. */
  systemdVersion(): Promise<number> {
    this.version ??= this.call(MANAGER_PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [MANAGER, 'Version']).then(
      ([value]) => parseInt(String((value as Variant<string>).value).replace(/^v/, ''), 10) || 0,
    );
    return this.version;
  }

  close(): void {
    this.bus?.disconnect();
    this.bus = undefined;
    this.ready = undefined;
  }

  private callManager(member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return this.call(MANAGER_PATH, MANAGER, member, signature, body);
  }

  private async call(
    path: string,
    iface: string,
    member: string,
    signature: string,
    body: unknown[],
  ): Promise<unknown[]> {
    const bus = await this.connect();
    const dbus = this.dbus!;
    const message = new dbus.Message({
      ...{ destination: SYSTEMD, path, interface: iface, member, signature },
      body: body.map((value) => toDbusValue(dbus, value)),
    });
    try {
      const reply = await withTimeout(bus.call(message), `${iface}.${member}`);
      return (reply?.body ?? []) as unknown[];
    } catch (err) {
      const { type, text } = err as { type?: string; text?: string };
      if (type === undefined) throw err;
      throw new FailedPreconditionError(`systemd ${member}(${String(body[0])}): ${type}: ${text ?? ''}`, {
        cause: err,
      });
    }
  }

  private connect(): Promise<MessageBus> {
    this.ready ??= (async () => {
      this.dbus ??= await import('dbus-next');
      const { Message, systemBus } = this.dbus;
      const bus = systemBus();
      this.bus = bus;
      bus.on('error', () => this.close());
      bus.on('message', (msg: Message) => this.onMessage(msg));
      const match = `type='signal',sender='${SYSTEMD}',interface='${MANAGER}',member='JobRemoved'`;
      const addMatch = new Message({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'AddMatch',
        signature: 's',
        body: [match],
      });
      await withTimeout(bus.call(addMatch), 'AddMatch');
      const subscribe = new Message({
        destination: SYSTEMD,
        path: MANAGER_PATH,
        interface: MANAGER,
        member: 'Subscribe',
      });
      await withTimeout(bus.call(subscribe), 'Subscribe');
      return bus;
    })().catch((err: unknown) => {
      this.close();
      throw new FailedPreconditionError(`cannot reach systemd on the system bus: ${(err as Error).message}`, {
        cause: err,
      });
    });
    return this.ready;
  }

  /** JobRemoved(u id, o job, s unit, s result). */
  private onMessage(msg: Message): void {
    if (msg.interface !== MANAGER || msg.member !== 'JobRemoved') return;
    const [, job, , result] = msg.body as [number, string, string, string];
    const waiter = this.waiters.get(job);
    if (waiter) waiter(result);
    else this.finished.set(job, result);
  }

  private waitJob(job: string, unit: string): Promise<JobResult> {
    const done = this.finished.get(job);
    if (done !== undefined) {
      this.finished.delete(job);
      return Promise.resolve(done);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(job);
        reject(new InternalError(`systemd job ${job} for ${unit} did not finish in ${JOB_TIMEOUT_MS} ms`));
      }, JOB_TIMEOUT_MS);
      this.waiters.set(job, (result) => {
        clearTimeout(timer);
        this.waiters.delete(job);
        resolve(result);
      });
    });
  }
}

function isNoSuchUnit(err: unknown): boolean {
  const type = ((err as Error).cause as { type?: string } | undefined)?.type ?? '';
  return type === 'org.freedesktop.systemd1.NoSuchUnit' || type === 'org.freedesktop.systemd1.LoadFailed';
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InternalError(`D-Bus call ${what} got no reply in ${JOB_TIMEOUT_MS} ms`)),
      JOB_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Our variants as dbus-next's own class, which its marshaller insists on (arrays walked). */
export function toDbusValue(dbus: typeof DBus, value: unknown): unknown {
  if (value instanceof Variant) return new dbus.Variant(value.signature, toDbusValue(dbus, value.value));
  if (Array.isArray(value)) return value.map((item) => toDbusValue(dbus, item));
  return value;
}
