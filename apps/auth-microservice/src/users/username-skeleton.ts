import unhomoglyph from 'unhomoglyph';
import { usernameKey } from './username-key';

/** U+0307 COMBINING DOT ABOVE right after a soft-dotted letter (i, j, і, ...), where it adds nothing visible. */
const REDUNDANT_DOT_ABOVE = /(\p{Soft_Dotted})\u0307/gu;

/**
 * The confusable skeleton of a username (Unicode UTS #39 §4: NFD, each character mapped to its prototype in
 * confusables.txt, NFD), taken of the case-folded name: two names with the same skeleton look alike, so only one of
 * them may exist. Before the mapping, a dot above on a soft-dotted letter is dropped (UTS #39 §5.4), so that `İ`,
 * which folds to `i` + U+0307, meets `i`. Unicode's mapping is carried by the `unhomoglyph` package (confusables.txt
 * of Unicode 13.0). Never shown to anyone: `m` becomes `rn`, `0` becomes `O`.
 *
 * Changing this function changes stored skeletons: it needs a migration that recomputes them.
 */
export function usernameSkeleton(username: string): string {
  const folded = usernameKey(username).normalize('NFD').replace(REDUNDANT_DOT_ABOVE, '$1');
  return unhomoglyph(folded).normalize('NFD');
}
