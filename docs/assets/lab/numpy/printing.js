// Number formatting identical, character for character, to Python and NumPy.
//
// The lab's JavaScript mirror of the nn7 training code prints its log with these functions,
// so that its lines equal those of `python -m nn7 train`:
//
//   pyFixed(x, digits)          format(x, f".{digits}f")
//   pyG(x, precision = 6)       format(x, "g")  (format(x, f".{precision}g"))
//   pyRepr(x)                   repr(x) for a float
//   arrayLine(a, precision = 8) np.array2string(np.asarray(a, dtype=np.float64),
//                                 precision=precision, separator=" ", max_line_width=10**9),
//                               its lines stripped and joined with one space (NumPy's default
//                               print options otherwise: floatmode "maxprec", suppress=False)
//
// How the digits are obtained:
// * Number.prototype.toExponential() without an argument gives the shortest digits that
//   round-trip, the closest such to the exact value: the same digits as Python's repr and
//   NumPy's "unique" mode.
// * toFixed(d) and toExponential(d) round the exact binary value correctly, except that an
//   exact tie goes away from zero, while Python and NumPy go to the even digit. A tie needs
//   the exact value to end exactly in 5 one place after the last digit kept; it is detected
//   with exact floating-point arithmetic (BigInt only for integers of 2**52 and more), and a
//   result whose last digit is odd then gets that digit lowered by one (it was rounded up).
// * toFixed switches to exponent form from 1e21 up; such doubles are integers, which BigInt
//   expands exactly.

const TWO52 = 2 ** 52;

// --------------------------------------------------------------------------- exact rounding

// True when the exact value of a * 10**d (a > 0 finite, d an integer, possibly negative)
// has the fractional part exactly 1/2.
function isTie(a, d) {
  if (d >= 0) {
    // a * 10**d = k + 1/2  <=>  a = odd / 2**(d + 1)
    const t = a * 2 ** (d + 1); // exact: a multiplication by a power of two
    return t < 2 ** 53 && t % 2 === 1;
  }
  // a * 10**d = k + 1/2  <=>  2a = odd * 10**n, n = -d: a is an integer
  if (!Number.isInteger(a)) return false;
  const n = -d;
  if (a < TWO52 && n <= 22) {
    const twice = 2 * a;
    const p = 10 ** n; // exact for n <= 22
    return twice % p === 0 && (twice / p) % 2 === 1; // % is exact; the quotient is an integer < 2**53
  }
  const twice = 2n * BigInt(a);
  const p = 10n ** BigInt(n);
  return twice % p === 0n && (twice / p) % 2n === 1n;
}

// Lower the last digit of a result that was rounded up from an exact tie to an odd digit.
function evenLast(s) {
  const last = s.charCodeAt(s.length - 1) - 48;
  return last & 1 ? s.slice(0, -1) + String.fromCharCode(47 + last) : s;
}

// |x| (finite, >= 0) with `digits` fraction digits, rounded half to even: no sign.
function fixedAbs(a, digits) {
  if (a >= 1e21) { // an integer; toFixed would use exponent form
    const s = BigInt(a).toString();
    return digits > 0 ? s + "." + "0".repeat(digits) : s;
  }
  const s = a.toFixed(digits);
  return a !== 0 && isTie(a, digits) ? evenLast(s) : s;
}

// Split the output of toExponential: {digits: "d...", exp}, value = d.ddd * 10**exp.
function splitExponential(s) {
  const e = s.indexOf("e");
  const mant = s.slice(0, e);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  return { digits, exp: Number(s.slice(e + 1)) };
}

// The shortest round-trip digits of a > 0 (finite): {digits, exp}.
function shortest(a) {
  return splitExponential(a.toExponential());
}

// a > 0 (finite) rounded half to even to n >= 1 significant digits: {digits (n of them), exp}.
function roundSignificant(a, n) {
  const r = splitExponential(a.toExponential(n - 1));
  // After a carry (9.99.. -> 10.0..) the last digit is even, or n = 1 and the value cannot be a tie
  // at the new exponent, so the tie test at the result's exponent is sound.
  if (isTie(a, n - 1 - r.exp)) r.digits = evenLast(r.digits);
  return r;
}

function trimZeros(digits) {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

// Digits d1 d2 ... (value d1.d2... * 10**exp) in positional notation: [integer part, fraction].
function positional(digits, exp) {
  if (exp < 0) return ["0", "0".repeat(-exp - 1) + digits];
  if (digits.length <= exp + 1) return [digits + "0".repeat(exp + 1 - digits.length), ""];
  return [digits.slice(0, exp + 1), digits.slice(exp + 1)];
}

function exponentText(exp, minDigits) {
  return (exp < 0 ? "e-" : "e+") + String(Math.abs(exp)).padStart(minDigits, "0");
}

function nonFinite(x) {
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

function isNegative(x) {
  return x < 0 || Object.is(x, -0);
}

// --------------------------------------------------------------------------- Python

/** Python's format(x, f".{digits}f") (digits 0..100). */
export function pyFixed(x, digits) {
  if (!Number.isFinite(x)) return nonFinite(x);
  const s = fixedAbs(Math.abs(x), digits);
  return isNegative(x) ? "-" + s : s;
}

/** Python's format(x, "g"); with `precision`, format(x, f".{precision}g"). */
export function pyG(x, precision = 6) {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = isNegative(x) ? "-" : "";
  const a = Math.abs(x);
  if (a === 0) return sign + "0";
  const p = precision < 1 ? 1 : precision;
  const { digits, exp } = roundSignificant(a, p);
  const kept = trimZeros(digits);
  if (exp >= -4 && exp < p) {
    const [int, frac] = positional(kept, exp);
    return sign + (frac ? int + "." + frac : int);
  }
  const mant = kept.length > 1 ? kept[0] + "." + kept.slice(1) : kept;
  return sign + mant + exponentText(exp, 2);
}

/** Python's repr(x) for a float. */
export function pyRepr(x) {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = isNegative(x) ? "-" : "";
  const a = Math.abs(x);
  if (a === 0) return sign + "0.0";
  const { digits, exp } = shortest(a);
  if (exp >= -4 && exp < 16) {
    const [int, frac] = positional(digits, exp);
    return sign + int + "." + (frac || "0");
  }
  const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  return sign + mant + exponentText(exp, 2);
}

// --------------------------------------------------------------------------- NumPy arrays

// One finite element in positional notation, NumPy "maxprec": the shortest digits when they
// need at most `precision` fraction digits, else the exact value rounded half to even to
// `precision` digits; trailing zeros trimmed, the "." kept. Returns [integer part with sign, fraction].
function positionalElement(x, precision) {
  const sign = isNegative(x) ? "-" : "";
  const a = Math.abs(x);
  if (a === 0) return [sign + "0", ""];
  const s = shortest(a);
  if (s.digits.length - 1 - s.exp <= precision) {
    const [int, frac] = positional(s.digits, s.exp);
    return [sign + int, frac];
  }
  const text = fixedAbs(a, precision);
  const dot = text.indexOf(".");
  if (dot < 0) return [sign + text, ""];
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
  return [sign + text.slice(0, dot), text.slice(dot + 1, end)];
}

// One finite element in scientific notation, first pass: the shortest digits when they need at
// most `precision` fraction digits, else rounded to precision + 1 significant digits; trailing
// zeros trimmed. {digits, exp}; digits "0" for zero.
function scientificDigits(a, precision) {
  if (a === 0) return { digits: "0", exp: 0 };
  const s = shortest(a);
  if (s.digits.length - 1 <= precision) return s;
  const r = roundSignificant(a, precision + 1);
  return { digits: trimZeros(r.digits), exp: r.exp };
}

// Scientific notation with exactly `frac` fraction digits: the shortest digits when they are
// exactly that many, else the exact value rounded half to even ("unique" with min_digits).
function scientificFixed(a, frac) {
  if (a === 0) return { digits: "0".repeat(frac + 1), exp: 0 };
  const s = shortest(a);
  return s.digits.length === frac + 1 ? s : roundSignificant(a, frac + 1);
}

// The element strings of a flat list of numbers, all of one width.
function formatElements(values, precision) {
  let maxAbs = -Infinity;
  let minAbs = Infinity;
  let specialWidth = 0; // the widest of "nan", "inf", "-inf" present
  let anyFinite = false;
  for (const v of values) {
    if (Number.isFinite(v)) {
      anyFinite = true;
      const a = Math.abs(v);
      if (a !== 0) {
        if (a > maxAbs) maxAbs = a;
        if (a < minAbs) minAbs = a;
      }
    } else {
      specialWidth = Math.max(specialWidth, nonFinite(v).length);
    }
  }
  const pad = (s, width) => s.padStart(width, " ");
  if (!anyFinite) return values.map((v) => pad(nonFinite(v), specialWidth));

  const scientific = maxAbs >= 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  if (!scientific) {
    const parts = values.map((v) => (Number.isFinite(v) ? positionalElement(v, precision) : null));
    let padLeft = 0;
    let padRight = 0;
    for (const p of parts) {
      if (p) {
        padLeft = Math.max(padLeft, p[0].length);
        padRight = Math.max(padRight, p[1].length);
      }
    }
    padLeft = Math.max(padLeft, specialWidth - padRight - 1);
    const width = padLeft + 1 + padRight;
    return parts.map((p, i) => (p ? pad(p[0], padLeft) + "." + p[1].padEnd(padRight, " ")
                                  : pad(nonFinite(values[i]), width)));
  }

  // Scientific: the common number of fraction digits is the most any element needs.
  let frac = 0;
  for (const v of values) {
    if (Number.isFinite(v)) frac = Math.max(frac, scientificDigits(Math.abs(v), precision).digits.length - 1);
  }
  const parts = values.map((v) => (Number.isFinite(v) ? scientificFixed(Math.abs(v), frac) : null));
  let expDigits = 2;
  let padLeft = 1;
  parts.forEach((p, i) => {
    if (p) {
      expDigits = Math.max(expDigits, String(Math.abs(p.exp)).length);
      if (isNegative(values[i])) padLeft = 2;
    }
  });
  const width = padLeft + 1 + frac + 2 + expDigits;
  return parts.map((p, i) => {
    if (!p) return pad(nonFinite(values[i]), width);
    const int = (isNegative(values[i]) ? "-" : "") + p.digits[0];
    return pad(int, padLeft) + "." + p.digits.slice(1) + exponentText(p.exp, expDigits);
  });
}

// The shape of a nested array (rectangular, every leaf a number).
function shapeOf(a) {
  const shape = [];
  let node = a;
  while (Array.isArray(node) || ArrayBuffer.isView(node)) {
    shape.push(node.length);
    if (node.length === 0) break;
    node = node[0];
  }
  return shape;
}

function flatten(a, shape, depth, out) {
  if (depth === shape.length) {
    if (typeof a !== "number") throw new TypeError("arrayLine: elements must be numbers");
    out.push(a);
    return;
  }
  if (!(Array.isArray(a) || ArrayBuffer.isView(a)) || a.length !== shape[depth]) {
    throw new TypeError("arrayLine: the nested arrays must form a rectangular array");
  }
  for (let i = 0; i < a.length; i++) flatten(a[i], shape, depth + 1, out);
}

/**
 * NumPy's array2string(np.asarray(a, dtype=np.float64), precision=precision, separator=" ",
 * max_line_width=10**9) with its lines stripped and joined by one space. `a` is a number
 * (a 0-d array) or nested arrays of numbers of any rectangular shape; at most 1000 elements
 * (NumPy would summarise larger arrays with "...", which is not reproduced).
 */
export function arrayLine(a, precision = 8) {
  const shape = shapeOf(a);
  const values = [];
  flatten(a, shape, 0, values);
  if (values.length === 0) return "[]";
  if (values.length > 1000) throw new RangeError("arrayLine: more than 1000 elements (NumPy summarises them)");
  const items = formatElements(values, precision);
  if (shape.length === 0) return items[0];
  let k = 0;
  const build = (depth) => {
    const n = shape[depth];
    const parts = new Array(n);
    if (depth === shape.length - 1) {
      for (let i = 0; i < n; i++) parts[i] = items[k++];
      return "[" + parts.join(" ") + "]";
    }
    for (let i = 0; i < n; i++) parts[i] = build(depth + 1);
    // NumPy puts (dimensions left - 1) newlines between blocks; each becomes one space when joined.
    return "[" + parts.join(" ".repeat(shape.length - 1 - depth)) + "]";
  };
  return build(0);
}
