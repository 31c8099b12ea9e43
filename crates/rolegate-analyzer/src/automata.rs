//! Finite automata over strings: the exact representation of a condition key's language.
//!
//! A trust statement's `StringLike`, `StringEquals`, `ArnLike`… values on one key compile to a DFA
//! (trust-findings.md, "Model the trust policy as a language"); union, intersection, complement and
//! emptiness then answer who-can-assume, diff and the statement-union check exactly, and the
//! shortest accepted string is the witness. Each automaton reads characters grouped into the
//! classes its own patterns distinguish (so the alphabet stays small however large Unicode is);
//! combining two automata refines both partitions, so languages built separately — and cached —
//! still combine exactly.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

/// A small multiplicative hasher for the subset construction's state sets (keys are ours, not an
/// attacker's, so SipHash's flood resistance buys nothing here).
#[derive(Default)]
struct QuickHasher(u64);

impl Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u32(&mut self, value: u32) {
        // Code points and ranges: one mix per value, not one per byte.
        self.write_u64(u64::from(value));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// How many compiled pattern sets a thread remembers before starting afresh.
const RECENT_LIMIT: usize = 4096;

/// The largest Unicode scalar value, plus one: code points live in `0..CODE_END`.
const CODE_END: u32 = 0x11_0000;

/// Ranges of code points, the first few in place: nearly every set in a pattern is one character,
/// or one compared without case, and patterns are built, cloned and hashed per character, so
/// those sets must not each own a heap allocation.
#[derive(Clone)]
enum Ranges {
    Inline(u8, [(u32, u32); INLINE_RANGES]),
    Heap(Vec<(u32, u32)>),
}

/// How many ranges [`Ranges`] holds without allocating.
const INLINE_RANGES: usize = 3;

impl Ranges {
    const EMPTY: Self = Ranges::Inline(0, [(0, 0); INLINE_RANGES]);

    fn one(range: (u32, u32)) -> Self {
        let mut ranges = Self::EMPTY;
        ranges.push(range);
        ranges
    }

    fn as_slice(&self) -> &[(u32, u32)] {
        match self {
            Ranges::Inline(len, items) => items.get(..usize::from(*len)).unwrap_or(&[]),
            Ranges::Heap(items) => items,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [(u32, u32)] {
        match self {
            Ranges::Inline(len, items) => items.get_mut(..usize::from(*len)).unwrap_or(&mut []),
            Ranges::Heap(items) => items,
        }
    }

    fn push(&mut self, range: (u32, u32)) {
        match self {
            Ranges::Inline(len, items) => {
                if let Some(slot) = items.get_mut(usize::from(*len)) {
                    *slot = range;
                    *len += 1;
                } else {
                    let mut spilled = Vec::with_capacity(2 * INLINE_RANGES);
                    spilled.extend_from_slice(items);
                    spilled.push(range);
                    *self = Ranges::Heap(spilled);
                }
            }
            Ranges::Heap(items) => items.push(range),
        }
    }
}

/// A set of characters: sorted, disjoint, inclusive ranges of code points.
#[derive(Clone)]
pub struct CharSet {
    ranges: Ranges,
}

// Equality and hashing are the ranges', however they are stored.
impl PartialEq for CharSet {
    fn eq(&self, other: &Self) -> bool {
        self.ranges() == other.ranges()
    }
}

impl Eq for CharSet {}

impl std::hash::Hash for CharSet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ranges().hash(state);
    }
}

impl std::fmt::Debug for CharSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CharSet")
            .field("ranges", &self.ranges())
            .finish()
    }
}

impl CharSet {
    /// Every character.
    pub fn any() -> Self {
        Self {
            ranges: Ranges::one((0, CODE_END - 1)),
        }
    }

    /// Exactly one character.
    pub fn single(c: char) -> Self {
        Self {
            ranges: Ranges::one((c as u32, c as u32)),
        }
    }

    /// Several characters.
    pub fn of(chars: impl IntoIterator<Item = char>) -> Self {
        let mut ranges = Ranges::EMPTY;
        for c in chars {
            ranges.push((c as u32, c as u32));
        }
        Self::from_ranges(ranges)
    }

    /// A character compared without case (ASCII and simple Unicode case pairs).
    pub fn ignoring_case(c: char) -> Self {
        Self::of(
            c.to_lowercase()
                .chain(c.to_uppercase())
                .chain(std::iter::once(c)),
        )
    }

    /// Parses a class such as `A-Za-z0-9._-` (a `-` first or last is literal).
    pub fn parse_class(spec: &str) -> Self {
        let chars: Vec<char> = spec.chars().collect();
        let mut ranges = Ranges::EMPTY;
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            match (chars.get(i + 1), chars.get(i + 2)) {
                (Some('-'), Some(&end)) => {
                    ranges.push((c as u32, end as u32));
                    i += 3;
                }
                _ => {
                    ranges.push((c as u32, c as u32));
                    i += 1;
                }
            }
        }
        Self::from_ranges(ranges)
    }

    /// Sorts and merges `ranges` (dropping empty ones).
    fn from_ranges(mut ranges: Ranges) -> Self {
        ranges.as_mut_slice().sort_unstable();
        let mut merged = Ranges::EMPTY;
        for &(a, b) in ranges.as_slice().iter().filter(|(a, b)| a <= b) {
            match merged.as_mut_slice().last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Self { ranges: merged }
    }

    /// The sorted, disjoint ranges.
    fn ranges(&self) -> &[(u32, u32)] {
        self.ranges.as_slice()
    }

    /// Every character not in this set.
    pub fn complement(&self) -> Self {
        let mut out = Ranges::EMPTY;
        let mut next = 0u32;
        for &(a, b) in self.ranges() {
            if a > next {
                out.push((next, a - 1));
            }
            next = b.saturating_add(1);
        }
        if next < CODE_END {
            out.push((next, CODE_END - 1));
        }
        Self { ranges: out }
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: u32) -> bool {
        self.ranges().iter().any(|&(a, b)| a <= c && c <= b)
    }
}

/// One step of a pattern: exactly one character of a set, or any number of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    One(CharSet),
    Many(CharSet),
}

/// A pattern: a sequence of pieces. `StringLike` `a*b?` is `[One(a), Many(any), One(b), One(any)]`.
pub type Pieces = Vec<Piece>;

/// The partition of all characters into classes that every piece treats alike.
#[derive(Debug)]
pub struct Alphabet {
    /// First code point of each class; classes are contiguous intervals.
    starts: Vec<u32>,
    /// A readable member of each class, used to spell witnesses.
    reps: Vec<char>,
    /// Symbols in the order witnesses prefer them (letters and digits first).
    preferred: Vec<usize>,
}

impl Alphabet {
    /// The coarsest interval partition that respects every set used by `patterns`.
    pub fn for_patterns<'a>(patterns: impl IntoIterator<Item = &'a Pieces>) -> Arc<Self> {
        let mut cuts = vec![0u32, 0xD800, 0xE000];
        for pieces in patterns {
            for piece in pieces {
                let (Piece::One(set) | Piece::Many(set)) = piece;
                for &(a, b) in set.ranges() {
                    cuts.push(a);
                    cuts.push(b.saturating_add(1));
                }
            }
        }
        Self::from_cuts(cuts)
    }

    /// The common refinement of two partitions.
    pub fn merge(a: &Self, b: &Self) -> Arc<Self> {
        let mut cuts = a.starts.clone();
        cuts.extend_from_slice(&b.starts);
        Self::from_cuts(cuts)
    }

    fn from_cuts(mut cuts: Vec<u32>) -> Arc<Self> {
        cuts.retain(|&c| c < CODE_END);
        cuts.sort_unstable();
        cuts.dedup();
        let mut starts = Vec::with_capacity(cuts.len());
        let mut reps = Vec::with_capacity(cuts.len());
        for (i, &start) in cuts.iter().enumerate() {
            let end = cuts.get(i + 1).copied().unwrap_or(CODE_END);
            if (0xD800..0xE000).contains(&start) {
                // Surrogates are not characters (0xD800 and 0xE000 are always cuts, so the class
                // holds nothing else); keep the interval so lookups stay total.
                starts.push(start);
                reps.push('\u{FFFD}');
            } else if let Some(rep) = representative(start, end) {
                starts.push(start);
                reps.push(rep);
            }
        }
        // Classes by niceness, in class order within one niceness (a stable bucket sort: there
        // are only a few niceness values).
        let ranks: Vec<Option<u8>> = reps
            .iter()
            .zip(&starts)
            .map(|(&rep, &start)| (!(0xD800..0xE000).contains(&start)).then(|| niceness(rep)))
            .collect();
        let mut preferred: Vec<usize> = Vec::with_capacity(ranks.len());
        for wanted in 0..=NICENESS_WORST {
            preferred.extend(
                ranks
                    .iter()
                    .enumerate()
                    .filter(|&(_, &rank)| rank == Some(wanted))
                    .map(|(s, _)| s),
            );
        }
        Arc::new(Self {
            starts,
            reps,
            preferred,
        })
    }

    /// The number of character classes.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no classes (never: the partition covers all characters).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The class of `c`.
    pub fn symbol(&self, c: char) -> usize {
        self.symbol_of(c as u32)
    }

    fn symbol_of(&self, code: u32) -> usize {
        self.starts
            .partition_point(|&s| s <= code)
            .saturating_sub(1)
    }

    fn same(&self, other: &Self) -> bool {
        self.starts == other.starts
    }

    fn rep(&self, symbol: usize) -> char {
        self.reps.get(symbol).copied().unwrap_or('x')
    }

    /// The one character of class `symbol`, when the class has exactly one.
    fn only_char(&self, symbol: usize) -> Option<char> {
        let start = *self.starts.get(symbol)?;
        let end = self.starts.get(symbol + 1).copied().unwrap_or(CODE_END);
        (end == start + 1).then(|| char::from_u32(start)).flatten()
    }
}

/// The largest value [`niceness`] gives.
const NICENESS_WORST: u8 = 6;

/// How pleasant a character is in a witness; lower is better.
fn niceness(c: char) -> u8 {
    match c {
        'a'..='z' => 0,
        '0'..='9' => 1,
        'A'..='Z' => 2,
        '-' | '_' | '.' => 3,
        '/' | ':' | '@' => 4,
        '!'..='~' => 5,
        _ => NICENESS_WORST,
    }
}

/// A readable character in `start..end`, preferring letters and digits.
const PREFERRED: &str = "xyzabcdefghijklmnopqrstuvw0123456789XYZABCDEFGHIJKLMNOPQRSTUVW-_./:@";

fn representative(start: u32, end: u32) -> Option<char> {
    // A class of one code point (a literal's character, the commonest class) is its own
    // representative, whichever rule below would pick it.
    if end == start + 1 {
        return char::from_u32(start);
    }
    PREFERRED
        .chars()
        .find(|&c| (start..end).contains(&(c as u32)))
        .or_else(|| (start.max(0x21)..end.min(0x7F)).find_map(char::from_u32))
        .or_else(|| (start..end).find_map(char::from_u32))
}

/// Appends one cell per symbol of `alphabet`: whether `set` holds that class's representative.
fn push_accepted(cells: &mut Vec<bool>, alphabet: &Alphabet, set: &CharSet) {
    let width = alphabet.len();
    match set.ranges() {
        [(c, d)] if c == d => {
            // One character: its own class (the alphabet cuts around it) is the only one it
            // represents, but for U+FFFD, which also stands for the surrogates' class.
            let own = alphabet.symbol_of(*c);
            let surrogates = (*c == 0xFFFD).then(|| alphabet.symbol_of(0xD800));
            cells.extend((0..width).map(|s| s == own || Some(s) == surrogates));
        }
        _ => cells.extend((0..width).map(|symbol| set.contains(alphabet.rep(symbol) as u32))),
    }
}

/// A boolean operation on two languages, as part of a product memo key.
#[derive(Clone, Copy)]
enum Operation {
    Intersect,
    Union,
    Minus,
}

/// A remembered product. The operands are kept alive with it, so the table addresses in its key
/// cannot be reused by other automata while the entry exists.
struct Remembered {
    _operands: (Dfa, Dfa),
    result: Dfa,
}

/// Remembered products of one thread, bounded by the table cells they hold.
#[derive(Default)]
struct ProductMemo {
    entries: HashMap<[usize; 7], Remembered, BuildHasherDefault<QuickHasher>>,
    cells: usize,
}

/// How many transition-table cells (operands and results) the product memo may hold.
const PRODUCT_CELLS_LIMIT: usize = 4 << 20;

thread_local! {
    static PRODUCTS: RefCell<ProductMemo> = RefCell::new(ProductMemo::default());
}

/// The largest pair table (in slots) a thread keeps for the next product.
const PAIR_SLOTS_KEPT: usize = 4 << 20;

thread_local! {
    /// The product's pair table, every slot unset (`u32::MAX`) while no product runs.
    static PAIR_SLOTS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// The pairs of states a search has met, marked in the thread's pair table (unmarked again when
/// the search ends); a search whose table would exceed what a thread keeps uses a hash set.
struct PairMarks {
    slots: Vec<u32>,
    touched: Vec<usize>,
    large: Option<HashSet<usize, BuildHasherDefault<QuickHasher>>>,
}

impl PairMarks {
    fn new(pairs: usize) -> Self {
        if pairs > PAIR_SLOTS_KEPT {
            return Self {
                slots: Vec::new(),
                touched: Vec::new(),
                large: Some(HashSet::default()),
            };
        }
        let mut slots = PAIR_SLOTS.with(|slots| std::mem::take(&mut *slots.borrow_mut()));
        if slots.len() < pairs {
            slots.resize(pairs, u32::MAX);
        }
        Self {
            slots,
            touched: Vec::new(),
            large: None,
        }
    }

    /// Marks `slot`; whether it was unmarked before.
    fn mark(&mut self, slot: usize) -> bool {
        if let Some(set) = &mut self.large {
            return set.insert(slot);
        }
        match self.slots.get_mut(slot) {
            Some(mark) if *mark == u32::MAX => {
                *mark = 0;
                self.touched.push(slot);
                true
            }
            _ => false,
        }
    }
}

impl Drop for PairMarks {
    fn drop(&mut self) {
        if self.large.is_some() {
            return;
        }
        for &slot in &self.touched {
            if let Some(mark) = self.slots.get_mut(slot) {
                *mark = u32::MAX;
            }
        }
        let slots = std::mem::take(&mut self.slots);
        PAIR_SLOTS.with(|kept| {
            let mut kept = kept.borrow_mut();
            if slots.len() > kept.len() {
                *kept = slots;
            }
        });
    }
}

/// A complete deterministic automaton over an [`Alphabet`]. State 0 is the start.
#[derive(Clone, Debug)]
pub struct Dfa {
    alphabet: Arc<Alphabet>,
    /// `next[state * alphabet.len() + symbol]`.
    next: Arc<[u32]>,
    accept: Arc<[bool]>,
    /// Per state, what the language from it is ([`MIXED`], [`NOTHING`] or [`EVERYTHING`]);
    /// computed on first use and shared by clones (tables are shared too: clones are cheap), so
    /// fixed languages pay for it once.
    status: Arc<OnceLock<Vec<u8>>>,
}

/// The language from a state is neither empty nor everything.
const MIXED: u8 = 0;
/// No string is accepted from the state.
const NOTHING: u8 = 1;
/// Every string is accepted from the state.
const EVERYTHING: u8 = 2;

impl Dfa {
    /// The language of any one of `alternatives` (each a sequence of pieces).
    pub fn from_alternatives(alternatives: &[Pieces]) -> Self {
        // The same values are compiled again and again within one analysis (each rule, each
        // narrowed statement) and across policies (audiences, grammars): remember recent ones.
        thread_local! {
            static RECENT: RefCell<HashMap<Vec<Pieces>, Dfa, BuildHasherDefault<QuickHasher>>> =
                RefCell::new(HashMap::default());
        }
        if let Some(hit) = RECENT.with(|r| r.borrow().get(alternatives).cloned()) {
            return hit;
        }
        let alphabet = Alphabet::for_patterns(alternatives);
        let dfa = Self::build(&alphabet, alternatives);
        RECENT.with(|r| {
            let mut recent = r.borrow_mut();
            if recent.len() >= RECENT_LIMIT {
                recent.clear();
            }
            recent.insert(alternatives.to_vec(), dfa.clone());
        });
        dfa
    }

    fn build(alphabet: &Arc<Alphabet>, alternatives: &[Pieces]) -> Self {
        if let [pieces] = alternatives
            && pieces.iter().all(|p| matches!(p, Piece::One(_)))
        {
            return Self::build_chain(alphabet, pieces);
        }
        Self::build_subsets(alphabet, alternatives)
    }

    /// The subset construction over NFA states (alternative, position).
    fn build_subsets(alphabet: &Arc<Alphabet>, alternatives: &[Pieces]) -> Self {
        // NFA state (alternative, position); subset construction over sorted state lists.
        let width = alphabet.len();
        let closure = |set: &mut Vec<(usize, usize)>| {
            let mut i = 0;
            while let Some(&(alt, pos)) = set.get(i) {
                if let Some(Piece::Many(_)) = alternatives.get(alt).and_then(|p| p.get(pos))
                    && !set.contains(&(alt, pos + 1))
                {
                    set.push((alt, pos + 1));
                }
                i += 1;
            }
            set.sort_unstable();
            set.dedup();
        };
        // Which symbols each piece accepts, decided once (not per subset), in one flat table:
        // row `first[alt] + pos`, one cell per symbol.
        let mut first = Vec::with_capacity(alternatives.len());
        let mut rows = 0;
        for pieces in alternatives {
            first.push(rows);
            rows += pieces.len();
        }
        let mut accepts = Vec::with_capacity(rows * width);
        for piece in alternatives.iter().flatten() {
            let (Piece::One(set) | Piece::Many(set)) = piece;
            push_accepted(&mut accepts, alphabet, set);
        }
        let takes = |alt: usize, pos: usize, symbol: usize| {
            first
                .get(alt)
                .and_then(|row| accepts.get((row + pos) * width + symbol))
                .copied()
                .unwrap_or(false)
        };
        let mut start: Vec<(usize, usize)> = (0..alternatives.len()).map(|a| (a, 0)).collect();
        closure(&mut start);
        let mut index: HashMap<Vec<(usize, usize)>, u32, BuildHasherDefault<QuickHasher>> =
            HashMap::default();
        let mut queue = VecDeque::new();
        index.insert(start.clone(), 0);
        queue.push_back(start);
        let mut next = Vec::new();
        let mut accept = Vec::new();
        let mut target: Vec<(usize, usize)> = Vec::new();
        let mut known: Vec<(u64, u32)> = Vec::new();
        while let Some(set) = queue.pop_front() {
            accept.push(
                set.iter()
                    .any(|&(alt, pos)| alternatives.get(alt).is_some_and(|p| p.len() == pos)),
            );
            // The target of a symbol depends only on which members of `set` take it: symbols
            // with the same members (most of them take none) share the state found for the
            // first, without another closure and lookup. Sets too large for a mask skip this.
            let masked = set.len() <= 64;
            known.clear();
            for symbol in 0..width {
                let mut mask = 0u64;
                if masked {
                    for (bit, &(alt, pos)) in set.iter().enumerate() {
                        if takes(alt, pos, symbol) {
                            mask |= 1 << bit;
                        }
                    }
                    if let Some(&(_, id)) = known.iter().find(|(m, _)| *m == mask) {
                        next.push(id);
                        continue;
                    }
                }
                // One scratch buffer: most symbols lead to a state already numbered.
                target.clear();
                for &(alt, pos) in &set {
                    match alternatives.get(alt).and_then(|p| p.get(pos)) {
                        Some(Piece::One(_)) if takes(alt, pos, symbol) => {
                            target.push((alt, pos + 1))
                        }
                        Some(Piece::Many(_)) if takes(alt, pos, symbol) => target.push((alt, pos)),
                        _ => {}
                    }
                }
                closure(&mut target);
                let id = match index.get(target.as_slice()) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(index.len()).unwrap_or(u32::MAX);
                        index.insert(target.clone(), id);
                        queue.push_back(target.clone());
                        id
                    }
                };
                if masked {
                    known.push((mask, id));
                }
                next.push(id);
            }
        }
        Self {
            alphabet: Arc::clone(alphabet),
            next: next.into(),
            accept: accept.into(),
            status: Arc::default(),
        }
        .pruned()
    }

    /// [`Self::build`] for one pattern of single characters (an exact value, the most common
    /// language): its subsets are one position or none, so they are numbered without hashing, in
    /// the same order the subset construction gives them.
    fn build_chain(alphabet: &Arc<Alphabet>, pieces: &[Piece]) -> Self {
        let width = alphabet.len();
        // The symbols each position accepts: row `pos`, one cell per symbol.
        let mut takes = Vec::with_capacity(pieces.len() * width);
        for piece in pieces {
            let (Piece::One(set) | Piece::Many(set)) = piece;
            match set.ranges() {
                [(a, b)] if a == b => {
                    // A single character is its own class (the alphabet cuts around it).
                    let symbol = alphabet.symbol_of(*a);
                    takes.extend((0..width).map(|s| s == symbol));
                }
                _ => push_accepted(&mut takes, alphabet, set),
            }
        }
        let n = pieces.len();
        // A state is a position (`Some`) or the empty subset (`None`).
        let mut ids: Vec<u32> = vec![u32::MAX; n + 1];
        let mut empty: Option<u32> = None;
        let mut order: Vec<Option<usize>> = vec![Some(0)];
        if let Some(first) = ids.first_mut() {
            *first = 0;
        }
        let mut next = Vec::new();
        let mut accept = Vec::new();
        let mut i = 0;
        while let Some(&state) = order.get(i) {
            accept.push(state == Some(n));
            for symbol in 0..width {
                let target =
                    state.filter(|&pos| takes.get(pos * width + symbol).copied().unwrap_or(false));
                let fresh = u32::try_from(order.len()).unwrap_or(u32::MAX);
                let id = match target {
                    Some(pos) => match ids.get_mut(pos + 1) {
                        Some(id) if *id != u32::MAX => *id,
                        Some(id) => {
                            *id = fresh;
                            order.push(Some(pos + 1));
                            fresh
                        }
                        None => fresh,
                    },
                    None => match empty {
                        Some(id) => id,
                        None => {
                            empty = Some(fresh);
                            order.push(None);
                            fresh
                        }
                    },
                };
                next.push(id);
            }
            i += 1;
        }
        Self {
            alphabet: Arc::clone(alphabet),
            next: next.into(),
            accept: accept.into(),
            status: Arc::default(),
        }
        .pruned()
    }

    /// The language of one pattern.
    pub fn from_pieces(pieces: &Pieces) -> Self {
        Self::from_alternatives(std::slice::from_ref(pieces))
    }

    /// Every string.
    pub fn universal() -> Self {
        Self::from_pieces(&vec![Piece::Many(CharSet::any())])
    }

    /// No string.
    pub fn empty() -> Self {
        Self::from_alternatives(&[])
    }

    /// The alphabet this automaton reads.
    pub fn alphabet(&self) -> &Arc<Alphabet> {
        &self.alphabet
    }

    fn states(&self) -> usize {
        self.accept.len()
    }

    fn step(&self, state: usize, symbol: usize) -> usize {
        self.next
            .get(state * self.alphabet.len() + symbol)
            .map_or(0, |&s| s as usize)
    }

    /// Whether `text` is in the language.
    pub fn accepts(&self, text: &str) -> bool {
        let mut state = 0;
        for c in text.chars() {
            state = self.step(state, self.alphabet.symbol(c));
        }
        self.accept.get(state).copied().unwrap_or(false)
    }

    /// The strings not in the language.
    pub fn complement(&self) -> Self {
        Self {
            alphabet: Arc::clone(&self.alphabet),
            next: Arc::clone(&self.next),
            accept: self.accept.iter().map(|a| !a).collect(),
            status: Arc::new(self.status.get().map_or_else(OnceLock::new, |status| {
                // The complement swaps "nothing" and "everything" state by state.
                let swapped: Vec<u8> = status
                    .iter()
                    .map(|&s| match s {
                        NOTHING => EVERYTHING,
                        EVERYTHING => NOTHING,
                        other => other,
                    })
                    .collect();
                OnceLock::from(swapped)
            })),
        }
    }

    /// Strings in both languages.
    pub fn intersect(&self, other: &Self) -> Self {
        self.remembered_product(other, Operation::Intersect, |a, b| a && b)
    }

    /// Strings in either language.
    pub fn union(&self, other: &Self) -> Self {
        self.remembered_product(other, Operation::Union, |a, b| a || b)
    }

    /// Strings in this language but not in `other`.
    pub fn minus(&self, other: &Self) -> Self {
        self.remembered_product(other, Operation::Minus, |a, b| a && !b)
    }

    /// Which tables this automaton is made of: equal identities mean equal automata.
    fn identity(&self) -> [usize; 3] {
        [
            Arc::as_ptr(&self.alphabet) as usize,
            Arc::as_ptr(&self.next).cast::<u32>() as usize,
            Arc::as_ptr(&self.accept).cast::<bool>() as usize,
        ]
    }

    /// `product`, answered from a per-thread memo when the same two automata (the same shared
    /// tables, so the same languages over the same alphabets) were combined the same way before:
    /// an analysis subtracts one Deny statement from every Allow statement, compares every cube
    /// pair twice, and draws witnesses from the same languages rule after rule.
    fn remembered_product(
        &self,
        other: &Self,
        operation: Operation,
        keep: impl Fn(bool, bool) -> bool,
    ) -> Self {
        if let Some(done) = self.trivial_product(other, &keep) {
            return done;
        }
        let [a0, a1, a2] = self.identity();
        let [b0, b1, b2] = other.identity();
        let key = [a0, a1, a2, b0, b1, b2, operation as usize];
        if let Some(hit) =
            PRODUCTS.with(|memo| memo.borrow().entries.get(&key).map(|e| e.result.clone()))
        {
            return hit;
        }
        let result = self.product(other, keep);
        PRODUCTS.with(|memo| {
            let mut memo = memo.borrow_mut();
            let cells = result.next.len() + self.next.len() + other.next.len();
            if memo.cells + cells > PRODUCT_CELLS_LIMIT {
                memo.entries.clear();
                memo.cells = 0;
            }
            memo.cells += cells;
            memo.entries.insert(
                key,
                Remembered {
                    _operands: (self.clone(), other.clone()),
                    result: result.clone(),
                },
            );
        });
        result
    }

    /// Whether no state accepts: the language is empty without a search.
    fn accepts_nothing(&self) -> bool {
        !self.accept.iter().any(|&a| a)
    }

    /// Whether every state accepts. Every state of our automata is reachable from the start (all
    /// constructions number states by a search from it), so the language is then everything.
    fn accepts_everything(&self) -> bool {
        self.accept.iter().all(|&a| a)
    }

    /// The language of `keep` applied to a trivial (empty or universal) operand, without a
    /// product: most combinations in an analysis are with `any` or an empty language.
    fn trivial_product(&self, other: &Self, keep: &impl Fn(bool, bool) -> bool) -> Option<Self> {
        let class = |dfa: &Self| {
            if dfa.accepts_nothing() {
                Some(false)
            } else if dfa.accepts_everything() {
                Some(true)
            } else {
                None
            }
        };
        // With one side constant, the result is constant, the other side, or its complement.
        let from_other = |mine: bool| match (keep(mine, false), keep(mine, true)) {
            (false, false) => Self::constant(&other.alphabet, false),
            (true, true) => Self::constant(&other.alphabet, true),
            (false, true) => other.clone(),
            (true, false) => other.complement(),
        };
        let from_self = |theirs: bool| match (keep(false, theirs), keep(true, theirs)) {
            (false, false) => Self::constant(&self.alphabet, false),
            (true, true) => Self::constant(&self.alphabet, true),
            (false, true) => self.clone(),
            (true, false) => self.complement(),
        };
        if let Some(mine) = class(self) {
            return Some(from_other(mine));
        }
        class(other).map(from_self)
    }

    /// The one-state automaton accepting everything (`accept`) or nothing.
    fn constant(alphabet: &Arc<Alphabet>, accept: bool) -> Self {
        Self {
            alphabet: Arc::clone(alphabet),
            next: vec![0; alphabet.len()].into(),
            accept: vec![accept].into(),
            status: Arc::default(),
        }
    }

    fn product(&self, other: &Self, keep: impl Fn(bool, bool) -> bool) -> Self {
        if let Some(done) = self.trivial_product(other, &keep) {
            return done;
        }
        // Over the common refinement of both alphabets; each operand reads a merged symbol as the
        // class containing it, looked up once per symbol (no table is rewritten).
        let (alphabet, mine, theirs) = self.common_alphabet(other);
        let width = alphabet.len();
        let other_states = other.states();
        // Pair (a, b) is slot a * |other| + b of a dense table: products stay small. The table is
        // a per-thread scratch buffer kept all-unset between products (only the slots a product
        // numbered are reset), so large products do not allocate and clear fresh pages each time.
        let mut index: Vec<u32> = PAIR_SLOTS.with(|slots| std::mem::take(&mut *slots.borrow_mut()));
        let needed = self.states() * other_states;
        if index.len() < needed {
            index.resize(needed, u32::MAX);
        }
        let mut order = vec![(0usize, 0usize)];
        if let Some(slot) = index.get_mut(0) {
            *slot = 0;
        }
        // A pair whose language is already decided (a side accepts nothing or everything from
        // there, and `keep` no longer depends on the other) is one of two sinks: products with a
        // small language no longer walk the whole of a large one (literal ∩ subject grammar).
        // Deciding pairs costs a liveness pass per operand (shared by clones); only worth it when
        // the pair table is large.
        let large = self.states() * other_states > 1024;
        let (mine_status, their_status) = if large {
            (self.status(), other.status())
        } else {
            (&[][..], &[][..])
        };
        let values = |status: &[u8], s: usize| match status.get(s) {
            Some(&NOTHING) => &[false][..],
            Some(&EVERYTHING) => &[true][..],
            _ => &[false, true][..],
        };
        let decided = |a: usize, b: usize| {
            if !large {
                return None;
            }
            let outcomes = values(mine_status, a)
                .iter()
                .flat_map(|&x| values(their_status, b).iter().map(move |&y| (x, y)));
            let mut seen = outcomes.map(|(x, y)| keep(x, y));
            let first = seen.next()?;
            seen.all(|v| v == first).then_some(first)
        };
        let mut sinks: [Option<u32>; 2] = [None, None];
        if let Some(c) = decided(0, 0)
            && let Some(sink) = sinks.get_mut(usize::from(c))
        {
            *sink = Some(0);
        }
        let mut next = Vec::new();
        let mut accept = Vec::new();
        let mut i = 0;
        while let Some(&(a, b)) = order.get(i) {
            let accepted = |dfa: &Self, s: usize| dfa.accept.get(s).copied().unwrap_or(false);
            accept.push(keep(accepted(self, a), accepted(other, b)));
            for (&sa, &sb) in mine.iter().zip(&theirs) {
                let pair = (self.step(a, sa), other.step(b, sb));
                if let Some(c) = decided(pair.0, pair.1)
                    && let Some(sink) = sinks.get_mut(usize::from(c))
                {
                    let id = match *sink {
                        Some(id) => id,
                        None => {
                            let id = u32::try_from(order.len()).unwrap_or(u32::MAX);
                            *sink = Some(id);
                            order.push(pair);
                            id
                        }
                    };
                    next.push(id);
                    continue;
                }
                let slot = pair.0 * other_states + pair.1;
                let id = match index.get(slot) {
                    Some(&id) if id != u32::MAX => id,
                    _ => {
                        let id = u32::try_from(order.len()).unwrap_or(u32::MAX);
                        if let Some(s) = index.get_mut(slot) {
                            *s = id;
                        }
                        order.push(pair);
                        id
                    }
                };
                next.push(id);
            }
            i += 1;
        }
        let _ = width;
        for &(a, b) in &order {
            if let Some(slot) = index.get_mut(a * other_states + b) {
                *slot = u32::MAX;
            }
        }
        if index.len() <= PAIR_SLOTS_KEPT {
            PAIR_SLOTS.with(|slots| *slots.borrow_mut() = index);
        }
        Self {
            alphabet,
            next: next.into(),
            accept: accept.into(),
            status: Arc::default(),
        }
        .pruned()
    }

    /// The alphabet two automata are read over together (their common refinement, or the
    /// shared one), and for each of its symbols the class each operand reads it as.
    fn common_alphabet(&self, other: &Self) -> (Arc<Alphabet>, Vec<usize>, Vec<usize>) {
        let alphabet = if Arc::ptr_eq(&self.alphabet, &other.alphabet)
            || self.alphabet.same(&other.alphabet)
        {
            Arc::clone(&self.alphabet)
        } else {
            Alphabet::merge(&self.alphabet, &other.alphabet)
        };
        let classes = |dfa: &Self| -> Vec<usize> {
            alphabet
                .starts
                .iter()
                .map(|&c| dfa.alphabet.symbol_of(c))
                .collect()
        };
        let (mine, theirs) = (classes(self), classes(other));
        (alphabet, mine, theirs)
    }

    /// `self.intersect(other).witness()`, found by a search over pairs of states without building
    /// the product: the same shortest, most readable string, since the witness depends only on the
    /// language and the alphabet (the product's alphabet is used).
    pub fn intersection_witness(&self, other: &Self) -> Option<String> {
        if let Some(done) = self.trivial_product(other, &|a, b| a && b) {
            return done.witness();
        }
        let (alphabet, mine, theirs) = self.common_alphabet(other);
        // Pairs from which nothing is accepted (when a side already knows its dead states) can
        // lead to no witness: skipping them changes no search order among the others.
        let dead = |dfa: &Self, s: usize| {
            dfa.status
                .get()
                .is_some_and(|status| status.get(s) == Some(&NOTHING))
        };
        let other_states = other.states();
        let mut seen = PairMarks::new(self.states() * other_states);
        // (pair, index of its parent in `order`, symbol).
        let mut order: Vec<((usize, usize), usize, usize)> = vec![((0, 0), usize::MAX, 0)];
        seen.mark(0);
        let mut i = 0;
        while let Some(&((a, b), _, _)) = order.get(i) {
            let accepted = |dfa: &Self, s: usize| dfa.accept.get(s).copied().unwrap_or(false);
            if accepted(self, a) && accepted(other, b) {
                let mut chars = Vec::new();
                let mut at = i;
                while let Some(&(_, parent, symbol)) = order.get(at) {
                    if parent == usize::MAX {
                        break;
                    }
                    chars.push(alphabet.rep(symbol));
                    at = parent;
                }
                return Some(chars.iter().rev().collect());
            }
            for &symbol in &alphabet.preferred {
                let (Some(&sa), Some(&sb)) = (mine.get(symbol), theirs.get(symbol)) else {
                    continue;
                };
                let pair = (self.step(a, sa), other.step(b, sb));
                if dead(self, pair.0) || dead(other, pair.1) {
                    continue;
                }
                if seen.mark(pair.0 * other_states + pair.1) {
                    order.push((pair, i, symbol));
                }
            }
            i += 1;
        }
        None
    }

    /// The language's only string, when it has exactly one (a literal value): intersections with
    /// it are then membership tests, and its witness is that string whatever the alphabet.
    pub fn single_word(&self) -> Option<String> {
        let status = self.status();
        let width = self.alphabet.len();
        let mut state = 0usize;
        let mut word = String::new();
        // A path longer than the number of states repeats one: the language is then infinite.
        for _ in 0..=self.states() {
            if status.get(state) != Some(&MIXED) {
                return None;
            }
            let mut live = (0..width).filter(|&symbol| {
                status
                    .get(self.step(state, symbol))
                    .copied()
                    .unwrap_or(NOTHING)
                    != NOTHING
            });
            let first = live.next();
            if self.accept.get(state).copied().unwrap_or(false) {
                return first.is_none().then_some(word);
            }
            let symbol = first?;
            if live.next().is_some() {
                return None;
            }
            word.push(self.alphabet.only_char(symbol)?);
            state = self.step(state, symbol);
        }
        None
    }

    /// Whether the language is empty.
    pub fn is_empty(&self) -> bool {
        if self.accepts_nothing() {
            return true;
        }
        if self.accept.first().copied().unwrap_or(false) {
            return false;
        }
        if let Some(status) = self.status.get() {
            return status.first() == Some(&NOTHING);
        }
        // Whether an accepting state is reachable: a plain search, no witness spelled.
        let mut seen = vec![false; self.states()];
        let mut stack = vec![0usize];
        if let Some(s) = seen.get_mut(0) {
            *s = true;
        }
        let width = self.alphabet.len();
        while let Some(state) = stack.pop() {
            if self.accept.get(state).copied().unwrap_or(false) {
                return false;
            }
            for symbol in 0..width {
                let target = self.step(state, symbol);
                if let Some(s) = seen.get_mut(target)
                    && !*s
                {
                    *s = true;
                    stack.push(target);
                }
            }
        }
        true
    }

    /// Whether every string is in the language.
    pub fn is_universal(&self) -> bool {
        if self.accepts_everything() {
            return true;
        }
        if !self.accept.first().copied().unwrap_or(false) {
            return false;
        }
        self.complement().is_empty()
    }

    /// Whether the language is a subset of `other`'s: no string in this language and not in
    /// `other`, decided by a search over pairs of states without building the difference.
    pub fn is_subset_of(&self, other: &Self) -> bool {
        let outside = |mine: bool, theirs: bool| mine && !theirs;
        if let Some(done) = self.trivial_product(other, &outside) {
            return done.is_empty();
        }
        !self.reaches_pair(other, outside)
    }

    /// Whether some string leads this automaton and `other` to states whose acceptance `wanted`
    /// holds for: the emptiness of a product, answered by a depth-first search over the pairs of
    /// states reachable together (stopping at the first wanted pair) instead of building it.
    fn reaches_pair(&self, other: &Self, wanted: impl Fn(bool, bool) -> bool) -> bool {
        let symbols = self.symbol_pairs(other);
        // Pairs from which no wanted pair is reachable, when a side already knows its states'
        // languages (nothing or everything from there), need not be explored.
        let known = |dfa: &Self, s: usize| match dfa.status.get().and_then(|st| st.get(s)) {
            Some(&NOTHING) => &[false][..],
            Some(&EVERYTHING) => &[true][..],
            _ => &[false, true][..],
        };
        let hopeless = |a: usize, b: usize| {
            !known(self, a)
                .iter()
                .any(|&x| known(other, b).iter().any(|&y| wanted(x, y)))
        };
        let accepted = |dfa: &Self, s: usize| dfa.accept.get(s).copied().unwrap_or(false);
        let other_states = other.states();
        let mut seen = PairMarks::new(self.states() * other_states);
        seen.mark(0);
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        while let Some((a, b)) = stack.pop() {
            if wanted(accepted(self, a), accepted(other, b)) {
                return true;
            }
            for &(sa, sb) in &symbols {
                let (ta, tb) = (self.step(a, sa), other.step(b, sb));
                if seen.mark(ta * other_states + tb) && !hopeless(ta, tb) {
                    stack.push((ta, tb));
                }
            }
        }
        false
    }

    /// The distinct pairs of symbols (this automaton's class, `other`'s class) that some
    /// character belongs to: the letters of a search over pairs of states.
    fn symbol_pairs(&self, other: &Self) -> Vec<(usize, usize)> {
        let mut cuts: Vec<u32> = self.alphabet.starts.clone();
        cuts.extend_from_slice(&other.alphabet.starts);
        cuts.sort_unstable();
        cuts.dedup();
        let mut pairs: Vec<(usize, usize)> = cuts
            .iter()
            .map(|&c| (self.alphabet.symbol_of(c), other.alphabet.symbol_of(c)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// A shortest string in the language, spelled with readable characters.
    pub fn witness(&self) -> Option<String> {
        self.witness_avoiding(&[])
    }

    /// A shortest string in the language, other than those in `avoid` when possible.
    pub fn witness_avoiding(&self, avoid: &[&str]) -> Option<String> {
        // BFS over (state) for the shortest; then, if it is to be avoided, try a few more.
        let mut parent: Vec<Option<(usize, usize)>> = vec![None; self.states()];
        let mut seen = vec![false; self.states()];
        let mut queue = VecDeque::from([0usize]);
        if let Some(s) = seen.get_mut(0) {
            *s = true;
        }
        let mut found = Vec::new();
        while let Some(state) = queue.pop_front() {
            if self.accept.get(state).copied().unwrap_or(false) {
                let text = self.spell(&parent, state);
                if !avoid.contains(&text.as_str()) {
                    return Some(text);
                }
                found.push(text);
            }
            for &symbol in &self.alphabet.preferred {
                let target = self.step(state, symbol);
                if let Some(s) = seen.get_mut(target)
                    && !*s
                {
                    *s = true;
                    if let Some(p) = parent.get_mut(target) {
                        *p = Some((state, symbol));
                    }
                    queue.push_back(target);
                }
            }
        }
        found.into_iter().next()
    }

    fn spell(&self, parent: &[Option<(usize, usize)>], mut state: usize) -> String {
        let mut chars = Vec::new();
        while let Some(Some((from, symbol))) = parent.get(state) {
            chars.push(self.alphabet.rep(*symbol));
            state = *from;
        }
        chars.iter().rev().collect()
    }

    /// The number of strings in the language, or `None` when it is infinite.
    pub fn finite_size(&self) -> Option<usize> {
        // Infinite iff a cycle is reachable from the start and co-reachable to an accept state.
        let live = self.live_states();
        let n = self.states();
        let width = self.alphabet.len();
        let mut memo: Vec<Option<usize>> = vec![None; n];
        let mut on_stack = vec![false; n];
        fn count(
            dfa: &Dfa,
            s: usize,
            live: &[bool],
            width: usize,
            memo: &mut [Option<usize>],
            on_stack: &mut [bool],
        ) -> Option<usize> {
            if let Some(Some(c)) = memo.get(s) {
                return Some(*c);
            }
            if on_stack.get(s).copied().unwrap_or(false) {
                return None;
            }
            if let Some(flag) = on_stack.get_mut(s) {
                *flag = true;
            }
            let mut total = usize::from(dfa.accept.get(s).copied().unwrap_or(false));
            for symbol in 0..width {
                let t = dfa.step(s, symbol);
                if live.get(t).copied().unwrap_or(false) {
                    total = total.saturating_add(count(dfa, t, live, width, memo, on_stack)?);
                }
            }
            if let Some(flag) = on_stack.get_mut(s) {
                *flag = false;
            }
            if let Some(m) = memo.get_mut(s) {
                *m = Some(total);
            }
            Some(total)
        }
        if !live.first().copied().unwrap_or(false) {
            return Some(0);
        }
        count(self, 0, &live, width, &mut memo, &mut on_stack)
    }

    /// States from which an accepting state is reachable (one backward search over a compact
    /// reverse adjacency).
    fn live_states(&self) -> Vec<bool> {
        self.co_reachable(&self.accept)
    }

    /// Per state: nothing, everything or something in between is accepted from it.
    fn status(&self) -> &[u8] {
        self.status.get_or_init(|| {
            // Both searches walk the same reverse edges: build them once.
            let edges = self.reverse_edges();
            let live = self.search_back(&edges, &self.accept);
            let rejecting: Vec<bool> = self.accept.iter().map(|a| !a).collect();
            let can_reject = self.search_back(&edges, &rejecting);
            live.iter()
                .zip(&can_reject)
                .map(|(&l, &r)| match (l, r) {
                    (false, _) => NOTHING,
                    (true, false) => EVERYTHING,
                    (true, true) => MIXED,
                })
                .collect()
        })
    }

    /// States from which a state in `target` is reachable.
    fn co_reachable(&self, target: &[bool]) -> Vec<bool> {
        self.search_back(&self.reverse_edges(), target)
    }

    /// The transitions reversed, compactly: the sources of edges into state `t` are
    /// `sources[degree[t]..degree[t + 1]]`.
    fn reverse_edges(&self) -> (Vec<u32>, Vec<u32>) {
        let n = self.states();
        let width = self.alphabet.len().max(1);
        let mut degree = vec![0u32; n + 1];
        for &t in self.next.iter() {
            if let Some(d) = degree.get_mut(t as usize + 1) {
                *d += 1;
            }
        }
        let mut total = 0;
        for d in &mut degree {
            total += *d;
            *d = total;
        }
        let mut fill = degree.clone();
        let mut sources = vec![0u32; self.next.len()];
        // Row by row: the source of an edge is its row, no division per cell.
        for (s, row) in (0u32..).zip(self.next.chunks_exact(width)) {
            for &t in row {
                if let Some(f) = fill.get_mut(t as usize) {
                    if let Some(slot) = sources.get_mut(*f as usize) {
                        *slot = s;
                    }
                    *f += 1;
                }
            }
        }
        (degree, sources)
    }

    /// States from which a state in `target` is reachable, over reversed `edges`.
    fn search_back(&self, (degree, sources): &(Vec<u32>, Vec<u32>), target: &[bool]) -> Vec<bool> {
        let n = self.states();
        let mut live: Vec<bool> = target.to_vec();
        let mut stack: Vec<usize> = (0..n)
            .filter(|&s| live.get(s).copied().unwrap_or(false))
            .collect();
        while let Some(t) = stack.pop() {
            let from = degree.get(t).copied().unwrap_or(0) as usize;
            let to = degree.get(t + 1).copied().unwrap_or(0) as usize;
            for &s in sources.get(from..to).unwrap_or(&[]) {
                if let Some(l) = live.get_mut(s as usize)
                    && !*l
                {
                    *l = true;
                    stack.push(s as usize);
                }
            }
        }
        live
    }

    /// Merges every dead state (no accepting state reachable) into one; cheap, and keeps chains of
    /// products from growing on garbage. Minimizes fully when the automaton is small.
    fn pruned(self) -> Self {
        // Full minimization costs a pass per distinguishing length (long for ARN literals); only
        // large automata, where products would multiply the size, are worth it.
        if self.states() > 400 {
            return self.minimized();
        }
        if self.states() <= 64 {
            return self;
        }
        let live = self.live_states();
        if live.iter().all(|&l| l) {
            return self;
        }
        // Collapse: dead states become one sink; renumber reachable states.
        let width = self.alphabet.len();
        let mut id = vec![u32::MAX; self.states()];
        let mut order: Vec<usize> = vec![0];
        let mut sink: Option<u32> = None;
        if let Some(first) = id.get_mut(0) {
            *first = 0;
        }
        let mut next = Vec::new();
        let mut accept = Vec::new();
        let mut i = 0;
        while let Some(&s) = order.get(i) {
            accept.push(self.accept.get(s).copied().unwrap_or(false));
            for sym in 0..width {
                let t = self.step(s, sym);
                let target = if live.get(t).copied().unwrap_or(false) {
                    match id.get(t) {
                        Some(&known) if known != u32::MAX => known,
                        _ => {
                            let new = u32::try_from(order.len()).unwrap_or(u32::MAX);
                            if let Some(slot) = id.get_mut(t) {
                                *slot = new;
                            }
                            order.push(t);
                            new
                        }
                    }
                } else if let Some(s) = sink {
                    s
                } else {
                    let new = u32::try_from(order.len()).unwrap_or(u32::MAX);
                    if let Some(slot) = id.get_mut(t) {
                        *slot = new;
                    }
                    order.push(t);
                    sink = Some(new);
                    new
                };
                next.push(target);
            }
            i += 1;
        }
        Self {
            alphabet: self.alphabet,
            next: next.into(),
            accept: accept.into(),
            status: Arc::default(),
        }
    }

    /// Moore's partition refinement: the smallest equivalent automaton. Signatures are compared
    /// by sorting rows of one flat buffer (no per-state allocation, no hashing).
    fn minimized(self) -> Self {
        let n = self.states();
        let width = self.alphabet.len();
        let row = width + 1;
        let mut class: Vec<u32> = self.accept.iter().map(|&a| u32::from(a)).collect();
        let mut count = if self.accept.iter().any(|&a| a) && self.accept.iter().any(|&a| !a) {
            2
        } else {
            1
        };
        let mut signature = vec![0u32; n * row];
        let mut order: Vec<usize> = (0..n).collect();
        loop {
            for (state, sig) in signature.chunks_exact_mut(row).enumerate() {
                let mut cells = sig.iter_mut();
                if let Some(first) = cells.next() {
                    *first = class.get(state).copied().unwrap_or(0);
                }
                for (symbol, cell) in cells.enumerate() {
                    *cell = class.get(self.step(state, symbol)).copied().unwrap_or(0);
                }
            }
            let rows = |i: usize| signature.get(i * row..(i + 1) * row).unwrap_or(&[]);
            order.sort_unstable_by(|&a, &b| rows(a).cmp(rows(b)));
            let mut refined = vec![0u32; n];
            let mut next_id = 0u32;
            let mut previous: Option<usize> = None;
            for &state in &order {
                if let Some(p) = previous
                    && rows(p) != rows(state)
                {
                    next_id += 1;
                }
                if let Some(r) = refined.get_mut(state) {
                    *r = next_id;
                }
                previous = Some(state);
            }
            let new_count = if n == 0 { 0 } else { next_id as usize + 1 };
            class = refined;
            if new_count == count {
                break;
            }
            count = new_count;
        }
        // Renumber so the start state's class is 0, in BFS order.
        let unset = u32::MAX;
        let mut renumber = vec![unset; count.max(1)];
        let mut representative_of: Vec<usize> = vec![0];
        if let Some(r) = class.first().and_then(|&c| renumber.get_mut(c as usize)) {
            *r = 0;
        }
        let mut i = 0;
        while let Some(&s) = representative_of.get(i) {
            for sym in 0..width {
                let t = self.step(s, sym);
                let c = class.get(t).copied().unwrap_or(0) as usize;
                if renumber.get(c) == Some(&unset) {
                    if let Some(r) = renumber.get_mut(c) {
                        *r = u32::try_from(representative_of.len()).unwrap_or(u32::MAX);
                    }
                    representative_of.push(t);
                }
            }
            i += 1;
        }
        let mut next = Vec::with_capacity(representative_of.len() * width);
        let mut accept = Vec::with_capacity(representative_of.len());
        for &s in &representative_of {
            accept.push(self.accept.get(s).copied().unwrap_or(false));
            for sym in 0..width {
                let c = class.get(self.step(s, sym)).copied().unwrap_or(0) as usize;
                next.push(renumber.get(c).copied().unwrap_or(0));
            }
        }
        Self {
            alphabet: self.alphabet,
            next: next.into(),
            accept: accept.into(),
            status: Arc::default(),
        }
    }
}

/// Whether `text` matches `pieces`, the same language [`Dfa::from_pieces`] builds, without
/// building it (a simulation over pattern positions).
pub fn pieces_accept(pieces: &Pieces, text: &str) -> bool {
    let n = pieces.len();
    // `Many` may match nothing: a position before it also stands at the one after it.
    let close = |set: &mut Vec<bool>| {
        for pos in 0..n {
            if set.get(pos).copied().unwrap_or(false)
                && matches!(pieces.get(pos), Some(Piece::Many(_)))
                && let Some(next) = set.get_mut(pos + 1)
            {
                *next = true;
            }
        }
    };
    let mut current = vec![false; n + 1];
    if let Some(first) = current.first_mut() {
        *first = true;
    }
    close(&mut current);
    let mut next = vec![false; n + 1];
    for c in text.chars() {
        next.iter_mut().for_each(|p| *p = false);
        let code = c as u32;
        for (pos, piece) in pieces.iter().enumerate() {
            if !current.get(pos).copied().unwrap_or(false) {
                continue;
            }
            let target = match piece {
                Piece::One(set) if set.contains(code) => pos + 1,
                Piece::Many(set) if set.contains(code) => pos,
                _ => continue,
            };
            if let Some(t) = next.get_mut(target) {
                *t = true;
            }
        }
        close(&mut next);
        std::mem::swap(&mut current, &mut next);
        if !current.iter().any(|&p| p) {
            return false;
        }
    }
    current.get(n).copied().unwrap_or(false)
}

/// The one string `pieces` match, when they are a plain literal (one character per piece).
pub fn pieces_word(pieces: &Pieces) -> Option<String> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::One(set) => match set.ranges() {
                [(a, b)] if a == b => char::from_u32(*a),
                _ => None,
            },
            Piece::Many(_) => None,
        })
        .collect()
}

/// The pieces of an IAM `StringLike` pattern: `*` any run, `?` any one character.
pub fn glob_pieces(pattern: &str, ignore_case: bool) -> Pieces {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Piece::Many(CharSet::any()),
            '?' => Piece::One(CharSet::any()),
            c if ignore_case => Piece::One(CharSet::ignoring_case(c)),
            c => Piece::One(CharSet::single(c)),
        })
        .collect()
}

/// The pieces of an exact string (`StringEquals`), optionally without case.
pub fn literal_pieces(text: &str, ignore_case: bool) -> Pieces {
    text.chars()
        .map(|c| {
            if ignore_case {
                Piece::One(CharSet::ignoring_case(c))
            } else {
                Piece::One(CharSet::single(c))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dfa(patterns: &[&str]) -> Dfa {
        let pieces: Vec<Pieces> = patterns.iter().map(|p| glob_pieces(p, false)).collect();
        Dfa::from_alternatives(&pieces)
    }

    #[test]
    fn glob_language_matches_iam_wildcards() {
        let d = dfa(&["repo:acme*"]);
        assert!(d.accepts("repo:acme"));
        assert!(d.accepts("repo:acme-evil/x:ref:refs/heads/main"));
        assert!(!d.accepts("repo:acm"));
        let q = dfa(&["a?c"]);
        assert!(q.accepts("abc") && q.accepts("a/c") && !q.accepts("ac") && !q.accepts("abbc"));
    }

    #[test]
    fn boolean_operations_and_witnesses() {
        let org = Dfa::from_pieces(&glob_pieces("repo:acme/*", false));
        let prefix = Dfa::from_pieces(&glob_pieces("repo:acme*", false));
        assert!(org.is_subset_of(&prefix));
        assert!(!prefix.is_subset_of(&org));
        let gained = prefix.minus(&org).witness().unwrap();
        assert!(prefix.accepts(&gained) && !org.accepts(&gained), "{gained}");
        assert!(org.intersect(&org.complement()).is_empty());
        assert!(org.union(&org.complement()).is_universal());
    }

    #[test]
    fn counts_finite_languages() {
        let pieces = vec![literal_pieces("a", false), literal_pieces("b", false)];
        assert_eq!(Dfa::from_alternatives(&pieces).finite_size(), Some(2));
        assert_eq!(Dfa::empty().finite_size(), Some(0));
        assert_eq!(Dfa::universal().finite_size(), None);
    }

    #[test]
    fn automata_over_different_alphabets_combine_exactly() {
        // A literal built from a witness character must not stand for its whole class.
        let wide = Dfa::from_pieces(&glob_pieces("repo:*", false));
        let tenant = Dfa::from_pieces(&literal_pieces("repo:x", false));
        let others = wide.minus(&tenant);
        assert!(others.accepts("repo:y") && !others.accepts("repo:x"));
        assert_eq!(others.witness().as_deref(), Some("repo:"));
    }

    #[test]
    fn products_with_decided_pairs_and_trivial_operands_stay_exact() {
        // Large enough that the product decides pairs (literal ∩ a many-state language).
        let patterns: Vec<String> = (0..40).map(|i| format!("repo:org{i}/*:ref:*")).collect();
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let big = dfa(&refs);
        let hit = Dfa::from_pieces(&literal_pieces("repo:org7/app:ref:main", false));
        let miss = Dfa::from_pieces(&literal_pieces("repo:org7/app:pull", false));
        assert_eq!(hit.intersect(&big).finite_size(), Some(1));
        assert!(miss.intersect(&big).is_empty());
        let rest = big.minus(&hit);
        assert!(!rest.accepts("repo:org7/app:ref:main") && rest.accepts("repo:org7/app:ref:x"));
        assert!(hit.minus(&big).is_empty() && !miss.minus(&big).is_empty());
        let either = big.union(&miss);
        assert!(either.accepts("repo:org7/app:pull") && either.accepts("repo:org1/a:ref:b"));
        // Trivial operands: the universal and the empty language.
        assert!(
            Dfa::universal().minus(&big).accepts("x")
                && !Dfa::universal().minus(&big).accepts("repo:org1/a:ref:b")
        );
        assert!(Dfa::empty().union(&big).accepts("repo:org1/a:ref:b"));
        assert!(big.intersect(&Dfa::empty()).is_empty());
        assert!(big.union(&Dfa::universal()).is_universal());
    }

    #[test]
    fn single_words_and_piece_matching_agree_with_automata() {
        let word = Dfa::from_pieces(&literal_pieces("arn:aws:iam::111122223333:role/x", false));
        assert_eq!(
            word.single_word().as_deref(),
            Some("arn:aws:iam::111122223333:role/x")
        );
        let other = Dfa::from_pieces(&glob_pieces("arn:aws:iam::*:role/*", false));
        assert_eq!(
            word.intersect(&other).single_word().as_deref(),
            Some("arn:aws:iam::111122223333:role/x")
        );
        assert_eq!(
            Dfa::from_pieces(&literal_pieces("", false))
                .single_word()
                .as_deref(),
            Some("")
        );
        for multi in [
            dfa(&["a*"]),
            dfa(&["a?"]),
            dfa(&["ab", "ac"]),
            Dfa::empty(),
            Dfa::universal(),
        ] {
            assert_eq!(multi.single_word(), None);
        }
        assert_eq!(
            Dfa::from_pieces(&literal_pieces("ab", true)).single_word(),
            None
        );
        assert_eq!(dfa(&["ab", "ab"]).single_word().as_deref(), Some("ab"));
        let patterns = ["repo:*:ref:*", "a?c", "", "*", "x*y*z", "**"];
        let texts = [
            "repo:a:ref:b",
            "repo::ref:",
            "abc",
            "ac",
            "",
            "xyz",
            "xaybz",
            "xzy",
            "repo:a:ref",
        ];
        for pattern in patterns {
            let pieces = glob_pieces(pattern, false);
            let automaton = Dfa::from_pieces(&pieces);
            for text in texts {
                assert_eq!(
                    pieces_accept(&pieces, text),
                    automaton.accepts(text),
                    "{pattern} {text}"
                );
            }
        }
    }

    #[test]
    fn chains_are_numbered_like_the_subset_construction() {
        let long = "arn:aws:iam::111122223333:role/".repeat(15);
        let texts = [
            "",
            "a",
            "repo:acme/app:ref:refs/heads/main",
            "Prod-é",
            long.as_str(),
        ];
        for text in texts {
            for ignore_case in [false, true] {
                let pieces = vec![literal_pieces(text, ignore_case)];
                let alphabet = Alphabet::for_patterns(&pieces);
                let chain = Dfa::build_chain(&alphabet, &pieces[0]);
                let subsets = Dfa::build_subsets(&alphabet, &pieces);
                assert_eq!(chain.next, subsets.next, "{text}");
                assert_eq!(chain.accept, subsets.accept, "{text}");
            }
        }
    }

    #[test]
    fn accept_tables_are_the_representatives_in_the_set() {
        let sets = [
            CharSet::single('a'),
            CharSet::single('\u{FFFD}'),
            CharSet::single('\u{E000}'),
            CharSet::ignoring_case('k'),
            CharSet::parse_class("a-z0-9-"),
            CharSet::any(),
            CharSet::single(':').complement(),
        ];
        let pieces: Vec<Pieces> = sets.iter().map(|s| vec![Piece::One(s.clone())]).collect();
        let alphabet = Alphabet::for_patterns(&pieces);
        for set in &sets {
            let mut cells = Vec::new();
            push_accepted(&mut cells, &alphabet, set);
            let expected: Vec<bool> = (0..alphabet.len())
                .map(|symbol| set.contains(alphabet.rep(symbol) as u32))
                .collect();
            assert_eq!(cells, expected, "{set:?}");
        }
    }

    #[test]
    fn intersection_witnesses_match_the_product() {
        let languages = [
            dfa(&["repo:*:ref:*", "repo:*"]),
            dfa(&["repo:acme/*"]),
            dfa(&["*:pull_request"]),
            dfa(&["x?z", "repo:a*"]),
            Dfa::from_pieces(&literal_pieces("repo:acme/app:ref:main", false)),
            Dfa::from_pieces(&literal_pieces("Repo:ACME", true)),
            Dfa::universal(),
            Dfa::empty(),
        ];
        for a in &languages {
            for b in &languages {
                assert_eq!(a.intersection_witness(b), a.intersect(b).witness());
                assert_eq!(a.is_subset_of(b), a.minus(b).is_empty());
            }
        }
    }

    #[test]
    fn char_sets_compare_by_ranges_however_stored() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hash = |set: &CharSet| BuildHasherDefault::<QuickHasher>::default().hash_one(set);
        // Four ranges (stored on the heap), built from a class and from single characters.
        let class = CharSet::parse_class("a-z0-9._-");
        let chars = CharSet::of(('a'..='z').chain('0'..='9').chain(['.', '_', '-']));
        assert_eq!(class, chars);
        assert_eq!(hash(&class), hash(&chars));
        assert_eq!(class.ranges().len(), 4);
        assert_eq!(class.complement().complement(), class);
        for c in ['a', 'q', '0', '.', '_', '-'] {
            assert!(class.contains(c as u32) && !class.complement().contains(c as u32));
        }
        assert!(!class.contains('A' as u32) && !class.contains('/' as u32));
        // In place: one character, a case pair, and a case-folding character with three forms.
        assert_eq!(CharSet::of(['x', 'x']), CharSet::single('x'));
        assert_eq!(CharSet::ignoring_case('a'), CharSet::of(['A', 'a']));
        assert_eq!(CharSet::ignoring_case('a').ranges(), &[(65, 65), (97, 97)]);
        let sharp = CharSet::ignoring_case('ß');
        assert!(sharp.contains('ß' as u32) && sharp.contains('S' as u32));
        assert_eq!(CharSet::any().complement().ranges(), &[]);
        assert_eq!(CharSet::any().complement().complement(), CharSet::any());
    }

    #[test]
    fn ignore_case_literals() {
        let d = Dfa::from_pieces(&literal_pieces("Prod", true));
        assert!(d.accepts("prod") && d.accepts("PROD") && !d.accepts("prodx"));
    }

    #[test]
    fn classes_and_non_ascii() {
        let d = Dfa::from_pieces(&vec![
            Piece::One(CharSet::parse_class("a-z0-9-")),
            Piece::Many(CharSet::parse_class("a-z0-9-")),
        ]);
        assert!(
            d.accepts("kube-system") && !d.accepts("Kube") && !d.accepts("") && !d.accepts("é")
        );
        assert!(d.complement().accepts("é"));
    }
}
