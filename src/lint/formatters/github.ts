/**
 * `--format github`: GitHub Actions workflow commands, one per problem, which the runner turns into annotations
 * on the pull request: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. Property values
 * and messages are escaped as the runner's toolkit escapes them (%, CR, LF; and `:`/`,` in properties).
 */
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export const github: Formatter = (result, options) =>
  result.diagnostics
    .map((d) => {
      const kind = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProperty(displayPath(d.span.file, options.cwd))}`,
        `line=${d.span.line}`,
        `col=${d.span.column}`,
        `endLine=${d.span.endLine}`,
        `endColumn=${d.span.endColumn}`,
        `title=${escapeProperty(`apx ${d.code}`)}`,
      ].join(',');
      const message = d.hint !== undefined ? `${d.message}\nfix: ${d.hint}` : d.message;
      return `::${kind} ${props}::${escapeData(message)}\n`;
    })
    .join('');
