/**
 * Step evidence as the web app shows it (web/src/graph/vocabulary.ts evidenceLine): imported
 * sources (format 2.2: advisories, MDS2 answers behind placements, flags and interfaces) read as a
 * labelled line with the form, question ids and answers; other entries stay "property = value".
 */
import { EVIDENCE_SOURCE_LABEL, evidenceLine } from '../../../web/src/graph/vocabulary';

describe('evidenceLine', () => {
  test('a flag or interface source reads as a labelled line with the question ids and answers', () => {
    expect(
      evidenceLine({
        property: 'flagSource',
        value:
          'generalPurposeOs of dev-1: MDS2 ACME-MDS2 (CSUP-2, MLDP-1): generalPurposeOs = true: CSUP-2 Yes; MLDP-1 Yes',
      }),
    ).toBe(
      'Flag source: generalPurposeOs of dev-1: MDS2 ACME-MDS2 (CSUP-2, MLDP-1): generalPurposeOs = true: CSUP-2 Yes; MLDP-1 Yes',
    );
    expect(
      evidenceLine({
        property: 'interfaceSource',
        value: 'if-usb: MDS2 f.xlsx (CONN-1.2.2): USB interface: CONN-1.2.2 Yes',
      }),
    ).toBe('Interface source: if-usb: MDS2 f.xlsx (CONN-1.2.2): USB interface: CONN-1.2.2 Yes');
  });

  test('every source property the engine writes has a label; model properties keep property = value', () => {
    expect(Object.keys(EVIDENCE_SOURCE_LABEL).sort()).toEqual(
      ['controlSource', 'evidenceSource', 'flagSource', 'interfaceSource'].sort(),
    );
    expect(evidenceLine({ property: 'authentication', value: 'NONE' })).toBe('authentication = NONE');
  });
});
