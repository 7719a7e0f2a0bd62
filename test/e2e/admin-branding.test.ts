import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { codeIn } from '../support/smtp-sink.ts';
import { png, gifHeader, icoHeader, SVG_WITH_SCRIPT } from '../support/test-images.ts';
import { visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';

// Company branding end to end: uploads checked by content, size and dimensions (bad ones change
// nothing), the branded customer pages and mail, the preview, reset, and the image and theme routes.

const ADMIN = { email: 'brand@example.com', password: 'violet-harbour-lantern' };
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const TEXT_FIELDS = { layout: 'classic', primary_color: '#0b5cad', background_color: '#f3f5f8', sign_in_text: '', support_contact: '' };
type Upload = { bytes: Buffer; name: string; type?: string };

describe('admin portal: company branding', () => {
  let lk: TestLatchkey;
  let admin: FormClient;

  const row = () => lk.latchkey.db.selectFrom('directories').selectAll().where('slug', '=', 'default').executeTakeFirstOrThrow();
  const imageCount = async () => Number((await lk.latchkey.db.selectFrom('branding_images').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const submit = async (fields: Record<string, string>, files: Record<string, Upload> = {}, section = ''): Promise<Page> => {
    await admin.get('/admin/d/default/branding');
    return admin.postMultipart(`/admin/d/default/branding${section}`, { ...TEXT_FIELDS, ...fields }, files, { follow: false });
  };

  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    admin = new FormClient(lk.baseUrl);
    await signInAdmin(admin, ADMIN.email, ADMIN.password);
  });
  after(() => lk.close());

  it('the page: a multipart form with every input labelled, Save and Preview, a preview frame, and a nav entry', async () => {
    const page = await admin.get('/admin/d/default/branding');
    assert.equal(page.status, 200);
    assert.match(page.body, /<form method="post" action="\/admin\/d\/default\/branding" enctype="multipart\/form-data"/);
    for (const [id, label] of [['field-logo', 'Banner logo'], ['field-background', 'Background image'], ['field-favicon', 'Favicon'], ['field-primary_color', 'Primary colour'], ['field-background_color', 'Background colour'], ['field-sign-in-text', 'Sign-in page text'], ['field-support-contact', 'Support contact'], ['layout-classic', 'Classic'], ['layout-split', 'Split']]) {
      assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`), label);
      assert.match(page.body, new RegExp(`id="${id}"`), id);
    }
    assert.match(page.body, /formaction="\/admin\/d\/default\/branding\/preview" formtarget="branding-preview"/);
    assert.match(page.body, /<iframe name="branding-preview" src="\/admin\/d\/default\/branding\/preview"[^>]*sandbox="allow-same-origin"/);
    assert.match(page.body, /<a href="\/admin\/d\/default\/branding" aria-current="page">Company branding<\/a>/);
  });

  it('SE6: a multipart Save without the CSRF token is refused and changes nothing', async () => {
    const before = await row();
    const response = await admin.postMultipart('/admin/d/default/branding', { _csrf: 'forged', ...TEXT_FIELDS, primary_color: '#aa0000' }, { logo: { bytes: png(100, 40), name: 'logo.png', type: 'image/png' } }, { follow: false });
    assert.equal(response.status, 403);
    assert.deepEqual(await row(), before);
    assert.equal(await imageCount(), 0);
  });

  const bad: { name: string; files: Record<string, Upload>; fields?: Record<string, string>; status: number; says: RegExp }[] = [
    { name: 'a text file as the logo', files: { logo: { bytes: Buffer.from('just some words, not a picture'), name: 'notes.txt', type: 'text/plain' } }, status: 400, says: /Banner logo: the file is not a PNG, JPEG, WebP, GIF image/ },
    { name: 'HTML named logo.png and sent as image/png (fake extension, wrong magic bytes)', files: { logo: { bytes: Buffer.from('<html><body><script>alert(1)</script></body></html>'), name: 'logo.png', type: 'image/png' } }, status: 400, says: /Banner logo: SVG and other markup files are not accepted/ },
    { name: 'an SVG logo (it can carry script)', files: { logo: { bytes: SVG_WITH_SCRIPT, name: 'logo.svg', type: 'image/svg+xml' } }, status: 400, says: /SVG and other markup files are not accepted, because they can contain scripts/ },
    { name: 'a GIF as the favicon (ICO or PNG only)', files: { favicon: { bytes: gifHeader(16, 16), name: 'favicon.gif', type: 'image/gif' } }, status: 400, says: /Favicon: the file is not a ICO, PNG image/ },
    { name: 'a logo over 256 KB', files: { logo: { bytes: png(320, 300, { noise: true }), name: 'big.png', type: 'image/png' } }, status: 413, says: /Banner logo: the file is larger than 256 KB/ },
    { name: 'a background over the parser limit (1.2 MB, read no further than 1 MB)', files: { background: { bytes: png(640, 640, { noise: true }), name: 'huge.png', type: 'image/png' } }, status: 413, says: /Background image: the file is larger than 1 MB/ },
    { name: 'a logo of 2000×100 pixels (at most 1024×512)', files: { logo: { bytes: png(2000, 100), name: 'wide.png', type: 'image/png' } }, status: 400, says: /Banner logo: the image is larger than 1024×512 pixels/ },
    { name: 'a good logo with a bad favicon: neither is saved', files: { logo: { bytes: png(200, 50), name: 'logo.png', type: 'image/png' }, favicon: { bytes: SVG_WITH_SCRIPT, name: 'favicon.svg', type: 'image/svg+xml' } }, status: 400, says: /Favicon: SVG/ },
    { name: 'a colour that is not #rrggbb', files: {}, fields: { primary_color: 'red' }, status: 400, says: /Primary colour: enter a colour as #rrggbb/ },
    { name: 'a sign-in text of 501 characters', files: {}, fields: { sign_in_text: 'x'.repeat(501) }, status: 400, says: /Sign-in page text: at most 500 characters/ },
    { name: 'a repeated layout field', files: {}, fields: {}, status: 400, says: /The form could not be understood/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with ${c.status} and a clear message; nothing changes`, async () => {
      const before = await row();
      await admin.get('/admin/d/default/branding');
      const fields = { ...TEXT_FIELDS, ...c.fields };
      const form = c.name.startsWith('a repeated') ? { ...fields, layout: 'split' } : fields;
      const response = c.name.startsWith('a repeated')
        ? await admin.request('POST', '/admin/d/default/branding', { body: repeatedLayout(admin, form), follow: false })
        : await admin.postMultipart('/admin/d/default/branding', form, c.files, { follow: false });
      assert.equal(response.status, c.status, visibleText(response.body).slice(0, 300));
      assert.match(visibleText(response.body), c.says);
      assert.match(visibleText(response.body), /Nothing was changed/);
      assert.deepEqual(await row(), before);
      assert.equal(await imageCount(), 0);
    });
  }

  it('refuses a request over 2 MB before reading it, with a 413 page, never a 5xx', async () => {
    const before = await row();
    const response = await submit({}, { background: { bytes: Buffer.alloc(3 * 1024 * 1024, 1), name: 'huge.png', type: 'image/png' } });
    assert.equal(response.status, 413);
    assert.match(visibleText(response.body), /The upload is too large/);
    assert.deepEqual(await row(), before);
  });

  it('Preview renders the unsaved values in a frameable sign-in page and saves nothing', async () => {
    const before = await row();
    const saved = await admin.get('/admin/d/default/branding/preview');
    assert.equal(saved.status, 200);
    assert.match(saved.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    const preview = await submit({ primary_color: '#7a1fa2', sign_in_text: 'Preview words only', layout: 'split' }, {}, '/preview');
    assert.equal(preview.status, 200);
    assert.match(preview.body, /href="\/d\/default\/branding\/theme\.css\?primary=7a1fa2"/);
    assert.match(preview.body, /<body class="layout-split">/);
    assert.match(visibleText(preview.body), /Preview words only/);
    assert.deepEqual(await row(), before);
  });

  it('saves logo, background, favicon, colours, layout, text and support contact; every customer page and mail shows them', async () => {
    const logo = png(400, 100, { rgb: [20, 120, 60] });
    const background = png(64, 48, { rgb: [250, 240, 200] });
    const favicon = png(32, 32);
    const response = await submit(
      { layout: 'split', primary_color: '#A4262C', background_color: '#fff8e1', sign_in_text: 'Welcome to Contoso.\nUse your work address.', support_contact: 'help@contoso.example' },
      { logo: { bytes: logo, name: 'logo.png', type: 'image/png' }, background: { bytes: background, name: 'bg.png', type: 'image/png' }, favicon: { bytes: favicon, name: 'favicon.png', type: 'image/png' } },
    );
    assert.equal(response.status, 303);
    assert.match(visibleText((await admin.get(response.headers.get('location') ?? '')).body), /Saved/);
    const saved = await row();
    assert.equal(saved.brand_logo, sha(logo));
    assert.equal(saved.brand_background, sha(background));
    assert.equal(saved.brand_favicon, sha(favicon));
    assert.equal(saved.brand_primary_color, '#a4262c');
    assert.equal(saved.brand_layout, 'split');
    assert.equal(saved.support_contact, 'help@contoso.example');
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('detail').where('type', '=', 'admin_setting_changed').execute();
    assert.deepEqual((audit.at(-1)?.detail as { setting: string }).setting, 'branding');

    const image = await fetch(`${lk.baseUrl}/d/default/branding/${sha(logo)}`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(image.headers.get('cross-origin-resource-policy'), 'cross-origin', 'webmail on another origin may show the logo');
    assert.match(image.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), logo);
    assert.equal((await fetch(`${lk.baseUrl}/d/default/branding/${'0'.repeat(64)}`)).status, 404);
    assert.equal((await fetch(`${lk.baseUrl}/d/default/branding/not-a-hash`)).status, 404);

    const customer = new FormClient(lk.baseUrl);
    const themeHref = `/d/default/branding/theme.css?primary=a4262c&#38;background=fff8e1&#38;image=${sha(background)}`;
    for (const path of ['/d/default/signin', '/d/default/signup', '/d/default/reset']) {
      const page = await customer.get(path);
      assert.match(page.body, new RegExp(`<img class="logo" src="/d/default/branding/${sha(logo)}" alt="Latchkey">`), path);
      assert.ok(page.body.includes(`<link rel="stylesheet" href="${themeHref}">`), path);
      assert.ok(page.body.includes(`<link rel="icon" href="/d/default/branding/${sha(favicon)}">`), path);
      assert.match(page.body, /<body class="layout-split">/, path);
      assert.match(page.body, /Need help\? <a href="mailto:help@contoso\.example">help@contoso\.example<\/a>/, path);
    }
    assert.match((await customer.get('/d/default/signin')).body, /<p class="brand-text">Welcome to Contoso\.\nUse your work address\.<\/p>/);
    const css = await fetch(`${lk.baseUrl}${themeHref.replace(/&#38;/g, '&')}`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    const cssText = await css.text();
    assert.match(cssText, /--primary:#a4262c/);
    assert.match(cssText, /--bg:#fff8e1/);
    assert.ok(cssText.includes(`.backdrop{background-image:url("${sha(background)}")}`));
    assert.equal(await (await fetch(`${lk.baseUrl}/d/default/branding/theme.css?primary=%22);x{&image=..%2F`)).text(), '', 'anything but a colour or hash is dropped');

    // R14: mail is branded with absolute URLs on PUBLIC_URL only.
    await lk.setResetScope('all');
    await lk.createAccount({ email: 'mail.branding@example.com', password: 'a fine passphrase 1' });
    await customer.get('/d/default/reset', { headers: { host: 'evil.example' } });
    await customer.post('/d/default/reset', { email: 'mail.branding@example.com' }, { headers: { 'x-forwarded-host': 'evil.example' } });
    const mail = await lk.smtp.waitFor((m) => m.to.includes('mail.branding@example.com'));
    assert.ok(mail.html.includes(`src="http://latchkey.test:3000/d/default/branding/${sha(logo)}"`), 'absolute logo URL on PUBLIC_URL');
    assert.match(mail.html, /color:#a4262c/);
    assert.match(mail.html, /Need help\? Contact help@contoso\.example\./);
    assert.match(mail.text, /Need help\? Contact help@contoso\.example\./);
    assert.doesNotMatch(mail.html + mail.text, /evil\.example/);
    assert.match(codeIn(mail), /^\d{6}$/);
  });

  it('Reset to default removes the look, keeps the support contact, and unused images go after their grace period', async () => {
    await admin.get('/admin/d/default/branding');
    const response = await admin.post('/admin/d/default/branding/reset', {}, { follow: false });
    assert.equal(response.status, 303);
    const reset = await row();
    assert.deepEqual(
      [reset.brand_logo, reset.brand_background, reset.brand_favicon, reset.brand_primary_color, reset.brand_background_color, reset.brand_sign_in_text, reset.brand_layout],
      [null, null, null, null, null, null, 'classic'],
    );
    assert.equal(reset.support_contact, 'help@contoso.example');
    const page = await new FormClient(lk.baseUrl).get('/d/default/signin');
    assert.doesNotMatch(page.body, /class="logo"|theme\.css|rel="icon"/);
    assert.match(page.body, /<header class="brand">Latchkey<\/header>/);

    await sql`update branding_images set created_at = now() - interval '2 hours'`.execute(lk.latchkey.db);
    await submit({ support_contact: 'help@contoso.example' }, { favicon: { bytes: icoHeader(32), name: 'favicon.ico', type: 'image/x-icon' } });
    const left = await lk.latchkey.db.selectFrom('branding_images').select('sha256').execute();
    assert.deepEqual(left.map((r) => r.sha256), [sha(icoHeader(32))], 'only the image in use remains');
  });
});

/** A multipart body with `layout` twice, as no honest form sends it. */
function repeatedLayout(client: FormClient, fields: Record<string, string>): FormData {
  const form = new FormData();
  form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(client.last?.body ?? '')?.[1] ?? '');
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('layout', 'classic');
  return form;
}
