import { stripBidiControls, withoutBidiControls } from '../../../web/src/app/bidi';

describe('web/src/app/bidi: labels cannot reorder themselves', () => {
  const spoof = 'Infusion pump \u202Egnp.exe'; // shows as "Infusion pump exe.png"

  test('strips every override, embedding and isolate control', () => {
    expect(stripBidiControls(spoof)).toBe('Infusion pump gnp.exe');
    const all = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    expect(stripBidiControls(`a${all}b`)).toBe('ab');
  });

  test('keeps right-to-left text, marks and other characters', () => {
    const text = 'جهاز \u200E monitor \u200F 🫀 café';
    expect(stripBidiControls(text)).toBe(text);
  });

  test('cleans every string of loaded model data, and copies nothing when clean', () => {
    const model = {
      summary: { id: 'm', name: 'Ward \u2067A\u2069', counts: { devices: 1 } },
      data: { devices: [{ id: 'd1', name: spoof, zoneIds: ['z1'] }], zones: [{ id: 'z1', name: 'ICU' }] },
    };
    const out = withoutBidiControls(model);
    expect(out.summary.name).toBe('Ward A');
    expect(out.data.devices[0]!.name).toBe('Infusion pump gnp.exe');
    expect(out.data.zones).toBe(model.data.zones); // untouched parts are shared
    const clean = { a: ['x', { b: 'y' }], n: 3, z: null };
    expect(withoutBidiControls(clean)).toBe(clean);
  });
});
