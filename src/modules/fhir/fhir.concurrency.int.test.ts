import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { fhirBundle, fhirClient, freshIds } from '../../../test/fhir';
import { expectIntegrity, type IntakeClient, intakeClient } from '../../../test/intake';

/** Real races need real connections: PostgreSQL only (PGlite runs one transaction at a time). */
describe.skipIf(!process.env.TEST_DATABASE_URL)('FHIR transactions under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  let fhir: ReturnType<typeof fhirClient>;
  let intake: IntakeClient;
  beforeAll(async () => {
    t = await buildTestApp();
    const key = await createApiKey(t.deps);
    fhir = fhirClient(t.app, key.headers);
    intake = intakeClient(t.app, key.headers);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the same new bundle sent several times at once makes one of each record', async () => {
    const ids = freshIds();
    const body = fhirBundle(ids);
    const answers = await Promise.all(Array.from({ length: 4 }, () => fhir.transaction(body)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    const statuses = answers.map(
      (a) => (a.json().entry as { response: { status: string } }[])[0]!.response.status,
    );
    expect(statuses.filter((s) => s === '201 Created')).toHaveLength(1);
    const versions = await intake.versions(ids.invoice);
    expect(versions.json().versions).toHaveLength(1);
    await expectIntegrity(t.deps);
  });
});
