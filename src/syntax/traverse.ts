/**
 * Depth-first, file-order traversal of a syntax tree without recursion. httpd has no nesting limit (a file of
 * 20,000 nested sections is valid), so nothing in apx may spend one JavaScript stack frame per level: every
 * walk over nesting keeps its own stack on the heap.
 */
import type { Node, SectionNode } from './ast.js';

export interface Visitor {
  /** Called for every node, parents before their children; `depth` is 0 at file level. */
  enter(node: Node, depth: number): void;
  /** Called after the last child of a section. */
  leave?(section: SectionNode, depth: number): void;
}

export function traverse(nodes: readonly Node[], visitor: Visitor): void {
  const stack: { nodes: readonly Node[]; i: number; section: SectionNode | null }[] = [{ nodes, i: 0, section: null }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.nodes.length) {
      stack.pop();
      if (top.section && visitor.leave) visitor.leave(top.section, stack.length - 1);
      continue;
    }
    const n = top.nodes[top.i++]!;
    visitor.enter(n, stack.length - 1);
    if (n.kind === 'section') stack.push({ nodes: n.children, i: 0, section: n });
  }
}
