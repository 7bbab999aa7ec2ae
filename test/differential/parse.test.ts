/**
 * apx's syntax verdict against real Apache's: for each input, "apx reports an error-severity `syntax/*`
 * diagnostic" must equal "`apache2 -t` fails with one of httpd's reader errors".
 *
 * Apache runs with a private ServerRoot and every module Debian ships loaded (test/support/apache.ts), and reads
 * the input through `Include input.conf`, so the input is its own file exactly as a site file is: httpd builds
 * each included file with a fresh section stack (server/config.c, ap_build_config), so an unclosed section or a
 * stray closer is reported against that file.
 *
 * Apache stops at its first error, and many real files fail for reasons that have nothing to do with syntax
 * (`@PORT@` placeholders, missing certificates, LoadModule of a module that is not there). So Apache's output is
 * classified: SYNTAX_CLASS below is the reader's own errors; anything else is "other". When a corpus file fails
 * with "other", it is read again wrapped in `<IfDefine NEVER_DEFINED>` … `</IfDefine>`: a false IfDefine is read
 * by ap_soak_end_container, which executes nothing but still matches every `<X>` with its `</X>` (the "wrapper"
 * rows below prove that on this Apache). The soak reader does not check an opener's closing `>` or a BOM, so in
 * that mode only apx's nesting errors are compared.
 *
 * Rows whose httpd verdict disagrees with apx are left failing on purpose: the grammar is fixed, not the row.
 * A few rows are marked `resolved`: httpd's verdict depends on evaluating a condition or a variable, which is
 * src/config's job, so they compare load()'s verdict (docs/syntax.md, "Known deviations", says why).
 */
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, walkFiles } from '../support/corpus.js';
import { load, nodeFs } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { parse } from '../../src/syntax/parse.js';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache, type ServerRoot } from '../support/apache.js';

// ─────────────────────────────────────────── Apache's side ───────────────────────────────────────────

/**
 * httpd's reader errors (server/config.c ap_build_config, ap_build_config_sub, ap_soak_end_container; the
 * section handlers' unclosed_directive in server/core.c), and the "Invalid command" a UTF-8 BOM causes because
 * httpd reads it as part of the first word.
 */
const SYNTAX_CLASS: readonly RegExp[] = [
  /> was not closed\./,
  /without matching <[^\n]* section/,
  /Expected <\/[^\n]*> but saw /,
  /Expected <\/[^\n]*> before end of configuration/,
  /directive missing closing '>'/,
  /Invalid command '\\xef\\xbb\\xbf/,
];

type HttpdVerdict = 'accepts' | 'syntax' | 'other';

interface HttpdResult {
  readonly verdict: HttpdVerdict;
  /** The lines of apache2's output that say what is wrong (the "Syntax OK" noise left out). */
  readonly message: string;
}

const INPUT = 'input.conf';
let root: ServerRoot | undefined;

async function httpd(text: string): Promise<HttpdResult> {
  if (!root) throw new Error('no ServerRoot (beforeAll failed)');
  writeFileSync(root.path(INPUT), text);
  const run = await configTest(root);
  const message = run.output
    .split('\n')
    .filter((l) => l.trim() !== '' && !/AH00558|^Syntax OK$/.test(l))
    .join('\n');
  if (run.ok) return { verdict: 'accepts', message: message || 'Syntax OK' };
  return { verdict: SYNTAX_CLASS.some((re) => re.test(run.output)) ? 'syntax' : 'other', message };
}

/** The `<IfDefine NEVER_DEFINED>` wrapper; the blank line keeps a final `\`-newline from joining the closer. */
function wrapped(text: string): string {
  return `<IfDefine NEVER_DEFINED>\n${text}\n\n</IfDefine>\n`;
}

// ─────────────────────────────────────────── apx's side ───────────────────────────────────────────

/** Errors the soak reader can see too: everything about matching openers with closers. */
const NESTING_CODES = new Set(['syntax/unclosed-section', 'syntax/mismatched-close', 'syntax/stray-close', 'syntax/close-missing-gt']);

/** src/config's errors for what httpd's reader refuses once conditions and variables are known. */
const READER_CODES = new Set(['config/conditional-close', 'config/variable-section']);

interface ApxResult {
  /** parse() threw: a bug whatever httpd says (apx must answer every input with diagnostics). */
  readonly threw: boolean;
  readonly syntaxError: boolean;
  readonly nestingError: boolean;
  readonly report: string;
}

/**
 * apx's verdict. `resolved`: the row's verdict depends on a condition or a variable, so it is load()'s — the input
 * read through the harness's apache2.conf, with the same modules and Defines httpd has — not parse()'s.
 */
function apx(text: string, file = INPUT, resolved = false): ApxResult {
  let diagnostics: readonly Diagnostic[];
  try {
    if (resolved) {
      if (!root) throw new Error('no ServerRoot (beforeAll failed)');
      writeFileSync(root.path(INPUT), text);
      diagnostics = load({ file: root.path(INPUT) }, { fs: nodeFs }).diagnostics;
    } else diagnostics = parse(text, file).diagnostics;
  } catch (e) {
    // parse() must never throw; report it as a disagreement whatever httpd said.
    return { threw: true, syntaxError: false, nestingError: false, report: `apx threw: ${(e as Error).stack ?? String(e)}`.slice(0, 600) };
  }
  const errors = diagnostics.filter((d) => d.severity === 'error' && (d.code.startsWith('syntax/') || (resolved && READER_CODES.has(d.code))));
  const report = diagnostics.length === 0 ? '(no diagnostics)' : diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.severity} ${d.code}: ${d.message}`).join('\n');
  return { threw: false, syntaxError: errors.length > 0, nestingError: errors.some((d) => NESTING_CODES.has(d.code)), report };
}

function disagreement(text: string, h: HttpdResult, a: ApxResult, mode = 'as written'): string {
  return [`input (${mode}): ${JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}…` : text)}`, `httpd (${h.verdict}):`, indent(h.message), 'apx:', indent(a.report)].join('\n');
}

const indent = (s: string): string => s.split('\n').map((l) => `    ${l}`).join('\n');

// ─────────────────────────────────────────── the inputs ───────────────────────────────────────────

interface Row {
  readonly name: string;
  readonly text: string;
  /** What apache2 -t 2.4.71 says, as checked by hand; the row also asserts it, so a different httpd is noticed. */
  readonly httpd: HttpdVerdict;
  /** Why httpd says so, with the message it prints. */
  readonly why: string;
  /**
   * A known deviation of the syntax stage, documented in docs/syntax.md under this heading: httpd's verdict
   * depends on something only src/config can evaluate (an If* condition, a Define). The row then asserts that
   * apx's parse() still gives the opposite verdict, so fixing the deviation makes the row fail until the mark
   * is removed.
   */
  readonly deviation?: string;
  /**
   * httpd's verdict depends on an If* condition or a `${VAR}`, which src/config evaluates: the row compares
   * load()'s errors (syntax ones revised by src/config, plus its reader errors) instead of parse()'s.
   * docs/syntax.md, "Known deviations", says why.
   */
  readonly resolved?: true;
}

const BOM = '\uFEFF';

const rows: readonly Row[] = [
  // Unclosed sections.
  { name: 'unclosed section', text: '<VirtualHost *:80>\nServerName a.example\n', httpd: 'syntax', why: '"<VirtualHost> was not closed."' },
  { name: 'unclosed nested section, outer closer seen first', text: '<VirtualHost *:80>\n<Location /a>\nRequire all granted\n</VirtualHost>\n', httpd: 'syntax', why: '"Expected </Location> but saw </VirtualHost>"' },
  { name: 'two sections still open at the end of the file', text: '<VirtualHost *:80>\n<Location /a>\n', httpd: 'syntax', why: '"<VirtualHost> was not closed." and "<Location> was not closed."' },
  { name: 'unclosed section after a closed one', text: '<Location /a>\n</Location>\n<Location /b>\n', httpd: 'syntax', why: '"<Location> was not closed."' },
  { name: 'unclosed false <IfModule>', text: '<IfModule !mod_proxy.c>\nProxyRequests Off\n', httpd: 'syntax', why: 'ap_soak_end_container: "Expected </IfModule> before end of configuration"' },
  { name: 'unclosed false <IfDefine>', text: '<IfDefine NEVER_DEFINED>\nServerName a.example\n', httpd: 'syntax', why: 'ap_soak_end_container: "Expected </IfDefine> before end of configuration"' },
  {
    name: 'unclosed true <IfModule>',
    text: '<IfModule mod_proxy.c>\nProxyRequests Off\n',
    httpd: 'accepts',
    why: 'ap_build_cont_config reads a true If* block until EOF and returns no error when the closer never comes',
    resolved: true,
  },
  { name: 'unclosed true <IfDefine !X>', text: '<IfDefine !NEVER_DEFINED>\nServerName a.example\n', httpd: 'accepts', why: 'as for a true <IfModule>: ap_build_cont_config accepts EOF', resolved: true },

  // Closers.
  { name: 'mismatched closer', text: '<Location /a>\n</Directory>\n', httpd: 'syntax', why: '"Expected </Location> but saw </Directory>"' },
  { name: 'closers in the wrong order', text: '<VirtualHost *:80>\n<Location /a>\n</VirtualHost>\n</Location>\n', httpd: 'syntax', why: '"Expected </Location> but saw </VirtualHost>"' },
  { name: 'closer name compared case-insensitively', text: '<Location /a>\n</LOCATION>\n', httpd: 'accepts', why: 'strcasecmp' },
  { name: '</X > (blank before >)', text: '<Location /a>\n</Location >\n', httpd: 'syntax', why: '"</Location> directive missing closing \'>\'": the closer is the first word, `</Location`' },
  { name: '</X with no >', text: '<Location /a>\n</Location\n', httpd: 'syntax', why: '"</Location> directive missing closing \'>\'"' },
  { name: '</X>> (two >)', text: '<Location /a>\n</Location>>\n', httpd: 'syntax', why: '"Expected </Location> but saw </Location>>"' },
  { name: '</X> extra (text after a closer)', text: '<VirtualHost *:80>\n</VirtualHost> extra\n', httpd: 'accepts', why: 'ap_build_config_sub ignores the closer\'s arguments' },
  {
    name: '</IfModule> extra in a true <IfModule>',
    text: '<IfModule mod_proxy.c>\nProxyRequests Off\n</IfModule> extra\n',
    httpd: 'syntax',
    why: 'ap_build_cont_config ends a true If* block only at a line that is exactly </IfModule>; this one is a closer with nothing open: "</IfModule> without matching <IfModule> section"',
    resolved: true,
  },
  { name: '</IfModule> extra in a false <IfModule>', text: '<IfModule !mod_proxy.c>\nProxyRequests Off\n</IfModule> extra\n', httpd: 'accepts', why: 'ap_soak_end_container only looks at the first word' },
  {
    name: '# comment after </IfModule> in a true <IfModule>',
    text: '<IfModule mod_proxy.c>\nProxyRequests Off\n</IfModule> # mod_proxy\n',
    httpd: 'syntax',
    why: 'as for any text after the closer of a true If* block: "</IfModule> without matching <IfModule> section"',
    resolved: true,
  },
  { name: '</IfModule > in a true <IfModule>', text: '<IfModule mod_proxy.c>\n</IfModule >\n', httpd: 'syntax', why: '"</IfModule without matching <IfModule section"' },
  { name: 'closer split by a continuation', text: '<Location /a>\n</Loca\\\ntion>\n', httpd: 'accepts', why: 'lines are joined before words are split' },
  { name: 'closer ending in a backslash at EOF', text: '<Location /a>\n</Location>\\', httpd: 'syntax', why: '"</Location>\\> directive missing closing \'>\'": no newline follows, so the backslash is part of the word' },
  { name: 'two closers on one line', text: '<Location /a>\n</Location></VirtualHost>\n', httpd: 'syntax', why: '"Expected </Location> but saw </Location></VirtualHost>"' },
  { name: 'quoted closer word', text: '<Location /a>\n"</Location>"\n', httpd: 'accepts', why: 'ap_getword_conf strips the quotes before the reader looks at the word' },

  // Stray closers.
  { name: 'stray closer', text: '</VirtualHost>\n', httpd: 'syntax', why: '"</VirtualHost> without matching <VirtualHost> section"' },
  { name: 'closer after its section was closed', text: '<Location /a>\n</Location>\n</Location>\n', httpd: 'syntax', why: '"</Location> without matching <Location> section"' },
  { name: 'stray closer inside a true <IfModule>', text: '<IfModule mod_proxy.c>\n</Location>\n</IfModule>\n', httpd: 'syntax', why: '"</Location> without matching <Location> section"' },
  { name: 'comment that looks like a closer', text: '<Location /a>\n# </Location>\n', httpd: 'syntax', why: '"<Location> was not closed."' },

  // Openers.
  { name: '<X args with no >', text: '<Location /a\n</Location>\n', httpd: 'syntax', why: 'core.c unclosed_directive: "<Location> directive missing closing \'>\'"' },
  { name: '<X alone with no >', text: '<Location\n</Location>\n', httpd: 'other', why: 'ap_build_config_sub gives an opener with no arguments the argument ">", so the handler sees no arguments: "<Location> directive requires additional arguments"' },
  { name: '<X> extra (text after >)', text: '<Location /a> extra\n</Location>\n', httpd: 'accepts', why: 'section handlers cut at the last > (strrchr) and ignore the rest' },
  { name: '<X>> (two >)', text: '<Location /a>>\n</Location>\n', httpd: 'accepts', why: 'cut at the last >: the path is "/a>"' },
  { name: '> inside a quoted opener argument', text: '<Location "/a>b">\n</Location>\n', httpd: 'accepts', why: 'cut at the last >' },
  { name: 'opener and closer on one line', text: '<Location /a></Location>\n', httpd: 'syntax', why: 'the closer is an argument of the opener: "<Location> was not closed."' },
  { name: 'empty section name <>', text: '<>\n', httpd: 'syntax', why: '"<> was not closed."' },
  { name: 'blank after <', text: '< Location /a>\n</Location>\n', httpd: 'syntax', why: 'the opener is "<", so "Expected </> but saw </Location>"' },
  { name: 'quoted opener word', text: '"<Location" /a>\n</Location>\n', httpd: 'accepts', why: 'ap_getword_conf strips the quotes, then "<Location" opens a section' },
  { name: '> inside an <If> expression', text: '<If "%{REQUEST_URI} =~ m#>#">\n</If>\n', httpd: 'accepts', why: 'cut at the last >' },
  {
    name: 'unbalanced section inside <Macro>',
    text: '<Macro Site $name>\n<Location /$name>\n</Macro>\n',
    httpd: 'accepts',
    why: 'mod_macro reads the body as raw lines and only warns: "AH02795: bad cumulated nesting (+1) in macro \'site\'"',
  },
  {
    name: 'stray closer inside <Macro>',
    text: '<Macro Site $name>\n</Location>\nServerAlias $name\n</Macro>\n',
    httpd: 'accepts',
    why: 'mod_macro only warns: "AH02793: bad (negative) nesting on line 2 of macro \'site\'"',
  },
  { name: 'balanced sections inside a used <Macro>', text: '<Macro Site $name>\n<Location /$name>\n</Location>\n</Macro>\nUse Site a\n', httpd: 'accepts', why: 'the expanded body is well nested' },
  { name: '2,000 nested true <IfDefine !X>', text: `${'<IfDefine !NEVER_DEFINED>\n'.repeat(2000)}ServerName a.example\n${'</IfDefine>\n'.repeat(2000)}`, httpd: 'accepts', why: 'no nesting limit in the reader' },

  // Quoting.
  { name: 'unterminated quote in a directive', text: '<VirtualHost *:80>\nServerName "a.example\n</VirtualHost>\n', httpd: 'accepts', why: 'ap_getword_conf takes the rest of the line' },
  { name: 'unterminated quote in section arguments', text: '<Location "/a b>\n</Location>\n', httpd: 'accepts', why: 'cut at the last >, then the string runs to the end' },
  { name: 'unterminated quote swallowing a closer', text: '<Location /a>\nHeader set X "abc </Location>\n', httpd: 'syntax', why: 'the closer is inside the string: "<Location> was not closed."' },
  { name: 'adjacent quoted arguments "a""b"', text: '<VirtualHost *:80>\nServerAlias "a""b" \'c\'"d"\n</VirtualHost>\n', httpd: 'accepts', why: 'a closing quote ends the word' },
  { name: 'escaped quotes', text: '<VirtualHost *:80>\nServerAlias "a\\"b" \'c\\\'d\' e\\\\f\n</VirtualHost>\n', httpd: 'accepts', why: '\\ escapes the quote and itself' },
  { name: 'quote inside a bare word', text: '<VirtualHost *:80>\nServerAlias a"b c"\n</VirtualHost>\n', httpd: 'accepts', why: 'a quote opens a string only at the start of a word' },

  // Stray >.
  { name: 'stray > alone on a line', text: '>\n', httpd: 'other', why: 'the trailing > is cut from the first word, leaving an empty name: "Invalid command \'\'"' },
  { name: 'stray > among arguments', text: '<VirtualHost *:80>\nServerAlias a > b\n</VirtualHost>\n', httpd: 'accepts', why: '> is an ordinary word' },

  // Backslash continuations.
  { name: 'continuation inside a directive name', text: 'Server\\\nName a.example\n', httpd: 'accepts', why: 'ap_cfg_getline joins with nothing between' },
  { name: 'continuation joins the closer to the opener line', text: '<Location /a>\\\n</Location>\n', httpd: 'syntax', why: 'the closer becomes an argument: "<Location> was not closed."' },
  { name: 'commented line ending in \\ swallows an opener', text: '# note \\\n<Location /a>\n', httpd: 'accepts', why: 'lines are joined before comments are recognised' },
  { name: 'commented line ending in \\ swallows a closer', text: '<Location /a>\n# note \\\n</Location>\n', httpd: 'syntax', why: '"<Location> was not closed."' },
  { name: 'blank after the backslash: no continuation', text: '# note \\ \n<Location /a>\n', httpd: 'syntax', why: 'the backslash must be right before the newline: "<Location> was not closed."' },
  { name: '\\\\ before the newline still continues', text: '# note \\\\\n<Location /a>\n', httpd: 'accepts', why: 'httpd 2.4 checks only the last character before the newline' },
  { name: 'CRLF continuation', text: '# note \\\r\n<Location /a>\r\n', httpd: 'accepts', why: '\\ before \\r\\n continues' },
  { name: 'continuation onto an empty line', text: '<Location /a>\\\n\n</Location>\n', httpd: 'accepts', why: 'the joined line is just the opener' },
  { name: 'continuation on the first line of the file', text: '\\\n<Location /a>\n</Location>\n', httpd: 'accepts', why: 'an empty line joined to the opener' },

  // BOM.
  { name: 'BOM before a directive', text: `${BOM}ServerName a.example\n`, httpd: 'syntax', why: '"Invalid command \'\\xef\\xbb\\xbfServerName\'"' },
  { name: 'BOM before a comment', text: `${BOM}# note\nServerName a.example\n`, httpd: 'syntax', why: '"Invalid command \'\\xef\\xbb\\xbf#\'"' },
  { name: 'BOM alone', text: BOM, httpd: 'syntax', why: '"Invalid command \'\\xef\\xbb\\xbf\'"' },
  { name: 'U+FEFF at the start of a later line', text: `ServerName a.example\n${BOM}ServerAlias b.example\n`, httpd: 'syntax', why: '"Invalid command \'\\xef\\xbb\\xbfServerAlias\'": httpd does not care where the bytes are' },

  // Line ends, blanks, empty files.
  { name: 'CRLF line ends', text: '<Location /a>\r\nRequire all granted\r\n</Location>\r\n', httpd: 'accepts', why: '\\r is a blank, trimmed' },
  { name: 'lone CR line ends (classic Mac)', text: '<Location /a>\r</Location>\r', httpd: 'syntax', why: 'httpd splits lines at LF only, so this is one line: "<Location> was not closed."' },
  { name: 'CR CR LF', text: '<Location /a>\r\r\n</Location>\r\n', httpd: 'accepts', why: '\\r is a blank' },
  { name: 'tabs', text: '\t<Location\t/a>\n\t\tRequire\tall\tgranted\n\t</Location>\t\n', httpd: 'accepts', why: 'tabs are blanks' },
  { name: 'vertical tab and form feed', text: '<Location /a>\v\n\f</Location>\f\n', httpd: 'accepts', why: 'C isspace' },
  { name: 'no final newline, closed', text: '<Location /a>\n</Location>', httpd: 'accepts', why: 'the last line needs no newline' },
  { name: 'no final newline, unclosed', text: '<Location /a>\nRequire all granted', httpd: 'syntax', why: '"<Location> was not closed."' },
  { name: 'empty file', text: '', httpd: 'accepts', why: 'nothing to read' },
  { name: 'only blank lines', text: '\n\n  \t\n', httpd: 'accepts', why: 'blank lines are skipped' },
  { name: 'only comments', text: '# one\n  # two\n\t#three\n', httpd: 'accepts', why: 'comments are skipped' },
  { name: '# after an opener is text after >', text: '<Location /a> # note\n</Location>\n', httpd: 'accepts', why: 'cut at the last >' },

  // NUL bytes: httpd reads a physical line with fgets and then measures it with strlen, so a NUL ends the line
  // there and the rest of that physical line, its `\` included, is dropped (util.c ap_cfg_getline_core).
  { name: 'NUL before a continuation backslash', text: '<Location /a>\0\\\n</Location>\n', httpd: 'accepts', why: 'the line ends at the NUL, so there is no continuation and </Location> closes' },
  { name: 'NUL in a comment before its continuation', text: '# note\0 \\\n<Location /a>\n', httpd: 'syntax', why: 'the comment ends at the NUL and does not swallow the opener: "<Location> was not closed."' },

  // ${VAR} is substituted on the whole line before it is split (server/config.c ap_resolve_env).
  { name: '${VAR} supplies the opener\'s >', text: 'Define GT >\n<Location /a${GT}\n</Location>\n', httpd: 'accepts', why: 'the line reads "<Location /a>" after substitution', resolved: true },
  { name: '${VAR} is a closer', text: 'Define CLOSE </Location>\n<Location /a>\n${CLOSE}\n', httpd: 'accepts', why: 'the line reads "</Location>" after substitution', resolved: true },
];

/** The wrapper trick, proved on this httpd before the corpus relies on it. */
const wrapperRows: readonly Row[] = [
  { name: 'mismatched closer inside the wrapper', text: wrapped('<Foo>\n</Bar>'), httpd: 'syntax', why: '"Expected </Foo> but saw </Bar>"' },
  { name: 'unclosed section inside the wrapper', text: wrapped('<VirtualHost *:80>\nServerName a'), httpd: 'syntax', why: '"Expected </VirtualHost> but saw </IfDefine>"' },
  { name: 'stray closer inside the wrapper', text: wrapped('</VirtualHost>'), httpd: 'syntax', why: '"Expected </IfDefine> but saw </VirtualHost>"' },
  { name: '</X with no > inside the wrapper', text: wrapped('<Location /a>\n</Location'), httpd: 'syntax', why: 'the soak reader drops the last character: "Expected </Location> but saw </Locatio>"' },
  { name: 'nothing is executed inside the wrapper', text: wrapped('NoSuchDirective x\nLoadModule nosuch_module /nonexistent.so\nProxyPass /a @PLACEHOLDER@\n<VirtualHost *:80>\n</VirtualHost>'), httpd: 'accepts', why: 'ap_soak_end_container executes nothing' },
  { name: 'the wrapper does not see an opener without >', text: wrapped('<Location /a\n</Location>'), httpd: 'accepts', why: 'limitation: only the first word is looked at, so in wrapped mode apx\'s open-missing-gt is not compared' },
];

// ─────────────────────────────────────────── corpus files ───────────────────────────────────────────



interface CorpusRow {
  readonly rel: string;
  readonly text: string;
}

/** Every single file under corpus/files, plus any other corpus file apx finds a syntax error in. */
function corpusRows(): CorpusRow[] {
  const rows: CorpusRow[] = [];
  for (const path of existsSync(CORPUS) ? walkFiles(CORPUS) : []) {
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue;
    const rel = relative(CORPUS, path);
    const text = bytes.toString('utf8');
    if (rel.startsWith(`files/`) || apx(text).syntaxError) rows.push({ rel, text });
  }
  return rows;
}

// ─────────────────────────────────────────── the suite ───────────────────────────────────────────

const available = apacheAvailable();
if (!available) console.warn(`differential parse tests skipped: ${apacheSkipReason()}`);

describe.skipIf(!available)('apx syntax errors ⇔ apache2 -t reader errors', () => {
  beforeAll(async () => {
    root = await createServerRoot({ modules: 'all', include: INPUT, files: { [INPUT]: '' } });
  });
  afterAll(disposeAllApache);

  it('the harness config with an empty input is Syntax OK', async () => {
    const h = await httpd('');
    expect(h.verdict, h.message).toBe('accepts');
  });

  it(`has at least 30 hand-written rows (${rows.length})`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  describe('hand-written inputs', () => {
    it.each(rows)('$name', async ({ text, httpd: documented, why, deviation, resolved }) => {
      const h = await httpd(text);
      expect(h.verdict, `httpd no longer behaves as documented (${why}):\n${h.message}`).toBe(documented);
      const a = apx(text, INPUT, resolved === true);
      expect(a.threw, disagreement(text, h, a)).toBe(false);
      if (deviation !== undefined) {
        const note = `known deviation "${deviation}" (docs/syntax.md): apx's syntax stage now agrees with httpd — remove the deviation mark and the docs entry\n`;
        expect(a.syntaxError, note + disagreement(text, h, a)).toBe(h.verdict !== 'syntax');
        return;
      }
      expect(a.syntaxError, disagreement(text, h, a)).toBe(h.verdict === 'syntax');
    });
  });

  describe(`IfDefine wrapper (used for corpus files that fail for other reasons)`, () => {
    it.each(wrapperRows)('$name', async ({ text, httpd: documented, why }) => {
      const h = await httpd(text);
      expect(h.verdict, `${why}\n${h.message}`).toBe(documented);
    });
  });

  describe(`corpus ${CORPUS}`, () => {
    const files = corpusRows();
    it('has corpus files to compare', () => {
      expect(files.length).toBeGreaterThan(0);
    });
    it.each(files)('$rel', async ({ rel, text }) => {
      const a = apx(text, rel);
      expect(a.threw, a.report).toBe(false);
      const h = await httpd(text);
      if (h.verdict !== 'other') {
        expect(a.syntaxError, disagreement(text, h, a)).toBe(h.verdict === 'syntax');
        return;
      }
      // A semantic error (placeholder, missing file) hides whatever comes after it: compare nesting only, read
      // through the never-true IfDefine.
      const w = await httpd(wrapped(text));
      expect(w.verdict, `the wrapper itself failed for another reason:\n${w.message}\n(as written: ${h.message})`).not.toBe('other');
      expect(a.nestingError, disagreement(text, w, a, `wrapped in <IfDefine NEVER_DEFINED>; as written httpd said: ${h.message}`)).toBe(w.verdict === 'syntax');
    });
  });
});
