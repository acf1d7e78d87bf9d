//! Choosing courses: a provably safe reduction, an exact branch and bound over small reduced sets
//! and a greedy with a certified bound over large ones.
//!
//! The optimiser sees no ontology: an [`Instance`] is a list of gap requirements and items (courses
//! or credential procedures), each with the gain it brings per requirement (in integer weight
//! quanta, so ties are exact), its estimated own cost, its duration and the items that must come
//! with it. The value of a set is `Σ_r max_{i ∈ set} gain_i(r)`: a requirement counts once, at the
//! best credit any chosen item gives it. A set is feasible when it holds every prerequisite of
//! every member.
//!
//! Three objectives give the small Pareto set of the planner ([`Objective`]). [`choose`] finds
//! each in two steps:
//!
//! 1. [`reduce`] drops *dominated* items: an item `A` goes when a set `D` of other items gains at
//!    least as much on every requirement `A` gains on, costs at most as much in total and takes at
//!    most as many weeks in total, `D`'s prerequisites are among `A`'s, and no remaining item needs
//!    `A`. Swapping `A` for `D` in any feasible set keeps it feasible, never lowers its value and
//!    never raises its cost or weeks, so every objective's optimum survives the reduction (the
//!    property test checks this against brute force). This is what keeps a register of 100,000
//!    courses small: most of the hundreds of courses touching a gap are beaten by a cheaper,
//!    shorter course teaching the same skills.
//! 2. Up to [`EXACT_LIMIT`] remaining items, a depth-first branch and bound ([`exact`]) finds the
//!    optimum, starting from the greedy answer and pruning with a linear-programming bound
//!    ([`completion_bound`]): no completion of a partial set can buy the value it still needs more
//!    cheaply than at each requirement's cheapest price per unit of gain. Items that add nothing
//!    and are needed by nothing later are never tried. If the search would visit more than
//!    [`NODE_LIMIT`] nodes it stops and answers with its best set and a [`Bound`]; an instance of
//!    more than `EXACT_LIMIT` items that reduces to at most `EXACT_LIMIT` is searched within
//!    [`REDUCED_NODE_LIMIT`] nodes; beyond that the [`greedy`] answers with a [`Bound`]. A bound is certified per answer:
//!    the same linear-programming bound at the root is a lower bound on the optimum, so
//!    `achieved / lower bound` is a factor the answer is at most off.

use std::cmp::Ordering;

/// At most this many items (after [`reduce`]) are optimised exactly.
pub const EXACT_LIMIT: usize = 40;
/// The exact search of an instance of at most [`EXACT_LIMIT`] items stops (and answers with its
/// best set and a [`Bound`]) after this many nodes, so a request never takes unbounded time.
pub const NODE_LIMIT: u64 = 250_000;
/// A larger instance that [`reduce`] brings down to [`EXACT_LIMIT`] items is searched too, within
/// this smaller budget: exact when the search ends in time, else the best set found with its bound.
pub const REDUCED_NODE_LIMIT: u64 = 20_000;

/// One choosable item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// (requirement position, gain in quanta), gain > 0.
    pub gains: Vec<(u32, u64)>,
    /// Estimated own cost in euro cents.
    pub cost: u64,
    /// Duration in weeks.
    pub weeks: u32,
    /// Items that must be chosen too; they come earlier in `Instance::items`.
    pub prerequisites: Vec<u32>,
}

/// A choice problem. Items are in topological order: prerequisites before the items needing them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    pub requirements: usize,
    pub items: Vec<Item>,
}

/// What a chosen set optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Objective {
    /// The most value; then the least cost, then the fewest weeks.
    MostComplete,
    /// The least cost among sets reaching the target value; then the most value, the fewest weeks.
    Cheapest,
    /// The fewest weeks among sets reaching the target value; then the least cost, the most value.
    Fastest,
}

impl Objective {
    /// The resource the objective minimises first: weeks for Fastest, cost otherwise.
    fn primary(self, totals: Totals) -> u64 {
        match self {
            Objective::Fastest => totals.weeks,
            Objective::Cheapest | Objective::MostComplete => totals.cost,
        }
    }
}

/// The totals of a set, and the key each objective minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub value: u64,
    pub cost: u64,
    pub weeks: u64,
}

impl Totals {
    pub fn key(self, objective: Objective) -> (u64, u64, u64) {
        let short = u64::MAX - self.value;
        match objective {
            Objective::MostComplete => (short, self.cost, self.weeks),
            Objective::Cheapest => (self.cost, short, self.weeks),
            Objective::Fastest => (self.weeks, self.cost, short),
        }
    }
}

/// How far an answer that is not proven optimal may be from the optimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The answer's cost (weeks for Fastest) is at most this factor times the optimum's: its own
    /// cost divided by [`Bound::objective_lower_bound`]. Infinite when that lower bound is 0 and
    /// the answer costs something; 1 when both are 0.
    pub cost_factor: f64,
    /// No set reaching the answer's target (for MostComplete: the most reachable value) costs
    /// less than this (weeks for Fastest): the linear-programming bound of the instance.
    pub objective_lower_bound: u64,
    /// The value of all items together: no set can do better.
    pub value_upper_bound: u64,
}

/// A chosen set.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Item positions, ascending.
    pub items: Vec<u32>,
    pub totals: Totals,
    /// `None` when optimal; else how far from it the answer may be.
    pub bound: Option<Bound>,
}

impl Instance {
    /// The totals of `items` (any order).
    pub fn totals(&self, items: &[u32]) -> Totals {
        let mut best = vec![0u64; self.requirements];
        let mut totals = Totals::default();
        for &i in items {
            let item = &self.items[i as usize];
            totals.cost += item.cost;
            totals.weeks += u64::from(item.weeks);
            for &(r, gain) in &item.gains {
                best[r as usize] = best[r as usize].max(gain);
            }
        }
        totals.value = best.iter().sum();
        totals
    }

    /// Whether every member's prerequisites are members.
    pub fn feasible(&self, items: &[u32]) -> bool {
        items.iter().all(|&i| self.items[i as usize].prerequisites.iter().all(|p| items.contains(p)))
    }

    /// The value of every item together: the most any set can reach.
    pub fn max_value(&self) -> u64 {
        let mut best = vec![0u64; self.requirements];
        for item in &self.items {
            for &(r, gain) in &item.gains {
                best[r as usize] = best[r as usize].max(gain);
            }
        }
        best.iter().sum()
    }

    /// The items at `keep`, in that order, prerequisites renumbered. Every kept item's prerequisites
    /// must be kept too, and come before it.
    pub fn subset(&self, keep: &[u32]) -> Instance {
        let mut position = vec![u32::MAX; self.items.len()];
        for (new, &old) in keep.iter().enumerate() {
            position[old as usize] = new as u32;
        }
        let items = keep
            .iter()
            .map(|&old| {
                let item = &self.items[old as usize];
                debug_assert!(item.prerequisites.iter().all(|p| position[*p as usize] != u32::MAX));
                Item {
                    prerequisites: item.prerequisites.iter().map(|p| position[*p as usize]).collect(),
                    ..item.clone()
                }
            })
            .collect();
        Instance { requirements: self.requirements, items }
    }
}

/// The target value for [`Objective::Cheapest`] and [`Objective::Fastest`]: `share` of the most
/// reachable value, rounded up.
pub fn target(max_value: u64, share: f64) -> u64 {
    ((max_value as f64) * share.clamp(0.0, 1.0)).ceil() as u64
}

/// The best set for `objective`, reaching at least `target` value (ignored for MostComplete):
/// [`reduce`], then [`exact`] up to [`EXACT_LIMIT`] items, else the [`greedy`]; an answer not proven
/// optimal carries its certified [`Bound`].
pub fn choose(instance: &Instance, objective: Objective, target: u64) -> Choice {
    let keep = reduce(instance, objective);
    let reduced = instance.subset(&keep);
    let mut choice = if reduced.items.len() <= EXACT_LIMIT {
        let budget = if instance.items.len() <= EXACT_LIMIT { NODE_LIMIT } else { REDUCED_NODE_LIMIT };
        let searched = search(&reduced, objective, target, budget);
        if searched.complete { searched.best } else { certify(&reduced, objective, target, searched.best) }
    } else {
        certify(&reduced, objective, target, greedy(&reduced, objective, target))
    };
    for item in &mut choice.items {
        *item = keep[*item as usize];
    }
    choice
}

/// Every subset, for tests: the optimum key of `objective` (`None` never: the empty set counts
/// when it reaches the target). Exponential; up to ~22 items.
pub fn brute_force(instance: &Instance, objective: Objective, target: u64) -> Totals {
    let n = instance.items.len();
    let target = if objective == Objective::MostComplete { 0 } else { target };
    let mut best: Option<Totals> = None;
    for mask in 0u64..(1u64 << n) {
        let items: Vec<u32> = (0..n as u32).filter(|k| mask & (1 << k) != 0).collect();
        if !instance.feasible(&items) {
            continue;
        }
        let totals = instance.totals(&items);
        if totals.value < target {
            continue;
        }
        if best.is_none_or(|b| totals.key(objective) < b.key(objective)) {
            best = Some(totals);
        }
    }
    best.unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Reduction

/// When a replacement is at least as good as an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// No more cost and no more weeks: safe for every objective at once.
    Both,
    /// Less of the objective's primary resource (cost; weeks for Fastest), or as much and no more
    /// of the other: safe for that objective, whose key compares exactly so.
    For(Objective),
}

impl Rule {
    /// (primary, secondary) of a cost and weeks pair.
    fn order(self, cost: u64, weeks: u64) -> (u64, u64) {
        match self {
            Rule::For(Objective::Fastest) => (weeks, cost),
            _ => (cost, weeks),
        }
    }

    /// Whether a replacement costing `cost` and taking `weeks` is at least as good as an item
    /// costing at least `item_cost` and taking `item_weeks`.
    fn accepts(self, cost: u64, weeks: u64, item_cost: u64, item_weeks: u64) -> bool {
        match self {
            Rule::Both => cost <= item_cost && weeks <= item_weeks,
            Rule::For(_) => self.order(cost, weeks) <= self.order(item_cost, item_weeks),
        }
    }

    /// Whether adding to a replacement at `cost`/`weeks` can still end up accepted.
    fn may_grow(self, cost: u64, weeks: u64, item_cost: u64, item_weeks: u64) -> bool {
        match self {
            Rule::Both => cost <= item_cost && weeks <= item_weeks,
            Rule::For(_) => self.order(cost, weeks).0 <= self.order(item_cost, item_weeks).0,
        }
    }
}

/// The positions (ascending) of the items that survive dominance for `objective`: an item goes
/// when a set of other remaining items gains at least as much on each of its requirements, costs
/// less (weeks for Fastest) or as much and takes no longer (costs no more for Fastest), its
/// prerequisites are among the item's, and no remaining item needs the item. The objective's key
/// compares sets exactly that way, so its optimum survives.
pub fn reduce(instance: &Instance, objective: Objective) -> Vec<u32> {
    let costs: Vec<u64> = instance.items.iter().map(|i| i.cost).collect();
    reduce_by(instance, &costs, Rule::For(objective))
}

/// The positions (ascending) of the items that survive dominance for every objective at once
/// when an item's cost is only known to lie in `[cost_low[i], items[i].cost]`: an item goes when a
/// set of other remaining items beats it with their *highest* costs against its *lowest* and no
/// more weeks, so the reduction stays safe whatever the exact costs turn out to be. The planner
/// uses it to avoid pricing (asking the funding engine about) courses that cannot matter.
pub fn reduce_with_cost_bounds(instance: &Instance, cost_low: &[u64]) -> Vec<u32> {
    reduce_by(instance, cost_low, Rule::Both)
}

/// Items are visited dependants first; an item still needed by a remaining item stays. A removed
/// item's replacements remained at the time, and a later removal of one of them is again by
/// remaining items, so substituting removals backwards turns any feasible set into one of
/// survivors that is at least as good.
fn reduce_by(instance: &Instance, cost_low: &[u64], rule: Rule) -> Vec<u32> {
    let items = &instance.items;
    let n = items.len();
    debug_assert_eq!(cost_low.len(), n);
    let mut alive = vec![true; n];
    let mut needed_by = vec![0u32; n];
    for item in items {
        for &p in &item.prerequisites {
            needed_by[p as usize] += 1;
        }
    }
    // Items per requirement, highest gain first, then cheapest.
    let mut by_requirement: Vec<Vec<(u64, u32)>> = vec![Vec::new(); instance.requirements];
    for (i, item) in items.iter().enumerate() {
        for &(r, gain) in &item.gains {
            by_requirement[r as usize].push((gain, i as u32));
        }
    }
    for list in &mut by_requirement {
        list.sort_by(|a, b| {
            b.0.cmp(&a.0).then(items[a.1 as usize].cost.cmp(&items[b.1 as usize].cost)).then(a.1.cmp(&b.1))
        });
    }
    let mut replacement: Vec<u32> = Vec::new();
    for a in (0..n).rev() {
        if needed_by[a] > 0 {
            continue;
        }
        let closure = prerequisite_closure(instance, a);
        let candidate = Dominance { instance, by_requirement: &by_requirement, alive: &alive, closure: &closure, rule };
        if candidate.beaten(a, cost_low[a], &mut replacement) {
            alive[a] = false;
            for &p in &items[a].prerequisites {
                needed_by[p as usize] -= 1;
            }
        }
    }
    (0..n as u32).filter(|i| alive[*i as usize]).collect()
}

/// Every item `a` needs, directly or not, ascending.
fn prerequisite_closure(instance: &Instance, a: usize) -> Vec<u32> {
    let mut list: Vec<u32> = instance.items[a].prerequisites.clone();
    let mut k = 0;
    while k < list.len() {
        for &p in &instance.items[list[k] as usize].prerequisites {
            if !list.contains(&p) {
                list.push(p);
            }
        }
        k += 1;
    }
    list.sort_unstable();
    list
}

/// What a dominance test of one item reads.
struct Dominance<'a> {
    instance: &'a Instance,
    by_requirement: &'a [Vec<(u64, u32)>],
    alive: &'a [bool],
    /// The item's prerequisites, directly or not: a replacement may need only these.
    closure: &'a [u32],
    rule: Rule,
}

impl Dominance<'_> {
    /// Whether remaining items other than `a` together gain as much as `a` on each of its
    /// requirements and are at least as good by the rule, with their highest costs against `a`'s
    /// lowest (`low`). Tries one item first, then builds a set greedily (a sufficient test).
    fn beaten(&self, a: usize, low: u64, chosen: &mut Vec<u32>) -> bool {
        let items = &self.instance.items;
        let item = &items[a];
        let weeks = u64::from(item.weeks);
        let usable = |b: u32| {
            b as usize != a
                && self.alive[b as usize]
                && items[b as usize].prerequisites.iter().all(|p| self.closure.binary_search(p).is_ok())
        };
        let gain_of = |b: u32, r: u32| items[b as usize].gains.iter().find(|(q, _)| *q == r).map_or(0, |(_, g)| *g);
        let Some(&(first, first_gain)) = item.gains.iter().min_by_key(|(r, _)| self.by_requirement[*r as usize].len())
        else {
            // An item that gains nothing is beaten by the empty set.
            return true;
        };
        // One item that beats `a` on its own.
        for &(gain, b) in &self.by_requirement[first as usize] {
            if gain < first_gain {
                break;
            }
            let other = &items[b as usize];
            if usable(b)
                && self.rule.accepts(other.cost, u64::from(other.weeks), low, weeks)
                && item.gains.iter().all(|&(r, g)| gain_of(b, r) >= g)
            {
                return true;
            }
        }
        if item.gains.len() < 2 {
            return false;
        }
        // A set: for each requirement not yet matched, the usable item that matches it with the
        // least share of `a`'s cost and weeks per requirement of `a` it matches.
        chosen.clear();
        let (mut cost, mut total_weeks) = (0u64, 0u64);
        for &(r, g) in &item.gains {
            if chosen.iter().any(|&b| gain_of(b, r) >= g) {
                continue;
            }
            let mut pick: Option<(f64, u32)> = None;
            for &(gain, b) in &self.by_requirement[r as usize] {
                if gain < g {
                    break;
                }
                if !usable(b) || chosen.contains(&b) {
                    continue;
                }
                let other = &items[b as usize];
                let (c, w) = (cost + other.cost, total_weeks + u64::from(other.weeks));
                if !self.rule.may_grow(c, w, low, weeks) {
                    continue;
                }
                let matched = item.gains.iter().filter(|&&(q, h)| gain_of(b, q) >= h).count() as f64;
                let share = other.cost as f64 / (low as f64 + 1.0) + f64::from(other.weeks) / (weeks as f64 + 1.0);
                let score = share / matched;
                if pick.is_none_or(|(best, _)| score < best) {
                    pick = Some((score, b));
                }
            }
            let Some((_, b)) = pick else { return false };
            cost += items[b as usize].cost;
            total_weeks += u64::from(items[b as usize].weeks);
            chosen.push(b);
        }
        self.rule.accepts(cost, total_weeks, low, weeks)
    }
}

// ---------------------------------------------------------------------------------------------
// Bounds

/// Lower bounds on what completing a partial set costs and takes, to reach `deficit` more value.
///
/// Each remaining item `j` spreads its cost evenly over the value it would add (`m_j`, its gains
/// above what is already reached): a price `ρ_j = cost_j / m_j` per unit. A completion `S` that
/// adds `a_r` on requirement `r` does so through one item reaching at least `a_r` there, so
///
/// `cost(S) = Σ_{j∈S} Σ_r ρ_j·gain'_j(r) ≥ Σ_r a_r · π_r(a_r)`, with `π_r(a) = min {ρ_j : gain'_j(r) ≥ a}`.
///
/// The least `Σ_r h_r(a_r)`, `h_r(a) = a·π_r(a)`, over levels with `Σ_r a_r ≥ deficit` is a
/// multiple-choice knapsack; its linear relaxation (each `h_r` replaced by its lower convex hull,
/// hull segments taken cheapest slope first, the last one in part) is the bound. Prerequisites are
/// ignored, which only lowers it. The same holds for weeks. `deficit: None` asks for everything
/// reachable. Returns `(reachable extra value, cost bound, weeks bound)`.
pub fn completion_bound<'a>(
    remaining: impl Iterator<Item = &'a Item>,
    reached: &[u64],
    deficit: Option<u64>,
    scratch: &mut BoundScratch,
) -> (u64, u64, u64) {
    scratch.points.clear();
    scratch.item_cost.clear();
    scratch.item_weeks.clear();
    for item in remaining {
        let marginal: u64 = item.gains.iter().map(|&(q, g)| g.saturating_sub(reached[q as usize])).sum();
        if marginal == 0 {
            continue;
        }
        scratch.item_cost.push(Segment { width: marginal, slope: item.cost as f64 / marginal as f64 });
        scratch.item_weeks.push(Segment { width: marginal, slope: f64::from(item.weeks) / marginal as f64 });
        let per_cost = item.cost as f64 / marginal as f64;
        let per_week = f64::from(item.weeks) / marginal as f64;
        for &(q, g) in &item.gains {
            let added = g.saturating_sub(reached[q as usize]);
            if added > 0 {
                scratch.points.push(Point { requirement: q, level: added, per_cost, per_week });
            }
        }
    }
    // Per requirement, highest level first.
    scratch.points.sort_unstable_by(|a, b| a.requirement.cmp(&b.requirement).then(b.level.cmp(&a.level)));
    let mut reachable = 0;
    scratch.cost_segments.clear();
    scratch.week_segments.clear();
    let mut start = 0;
    while start < scratch.points.len() {
        let requirement = scratch.points[start].requirement;
        let end = start + scratch.points[start..].iter().take_while(|p| p.requirement == requirement).count();
        reachable += scratch.points[start].level;
        let group = &scratch.points[start..end];
        hull_segments(group, |p| p.per_cost, &mut scratch.curve, &mut scratch.cost_segments);
        hull_segments(group, |p| p.per_week, &mut scratch.curve, &mut scratch.week_segments);
        start = end;
    }
    let deficit = deficit.unwrap_or(reachable);
    let cost = fill(&mut scratch.cost_segments, deficit).max(fill(&mut scratch.item_cost, deficit));
    let weeks = fill(&mut scratch.week_segments, deficit).max(fill(&mut scratch.item_weeks, deficit));
    (reachable, cost, weeks)
}

/// One item's reach on one requirement in [`completion_bound`].
#[derive(Debug, Clone, Copy)]
struct Point {
    requirement: u32,
    /// The value it adds there.
    level: u64,
    per_cost: f64,
    per_week: f64,
}

/// A piece of a lower convex hull: `width` more value at `slope` per unit.
#[derive(Debug, Clone, Copy)]
struct Segment {
    width: u64,
    slope: f64,
}

/// Reusable buffers of [`completion_bound`].
#[derive(Debug, Default)]
pub struct BoundScratch {
    points: Vec<Point>,
    curve: Vec<(u64, f64)>,
    cost_segments: Vec<Segment>,
    week_segments: Vec<Segment>,
    item_cost: Vec<Segment>,
    item_weeks: Vec<Segment>,
}

/// The lower convex hull of `h(a) = a·min{price(p) : p.level ≥ a}` over one requirement's points
/// (highest level first), from (0, 0), as segments of increasing slope.
fn hull_segments(group: &[Point], price: impl Fn(&Point) -> f64, curve: &mut Vec<(u64, f64)>, out: &mut Vec<Segment>) {
    // (level, h(level)) ascending by level, one per level.
    curve.clear();
    let mut best = f64::INFINITY;
    for p in group {
        best = best.min(price(p));
        match curve.last_mut() {
            Some(last) if last.0 == p.level => last.1 = p.level as f64 * best,
            _ => curve.push((p.level, p.level as f64 * best)),
        }
    }
    curve.push((0, 0.0));
    curve.reverse();
    // Andrew's monotone chain, lower part.
    let mut hull: Vec<(u64, f64)> = Vec::with_capacity(curve.len());
    for &point in curve.iter() {
        while hull.len() >= 2 {
            let (o, a) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let cross = (a.0 as f64 - o.0 as f64) * (point.1 - o.1) - (a.1 - o.1) * (point.0 as f64 - o.0 as f64);
            if cross <= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(point);
    }
    for pair in hull.windows(2) {
        let width = pair[1].0 - pair[0].0;
        out.push(Segment { width, slope: (pair[1].1 - pair[0].1) / width as f64 });
    }
}

/// The cheapest way to buy `deficit` units along `segments` (cheapest slope first, the last one in
/// part), rounded up to a whole unit of cost: costs and weeks are integers, so any completion
/// costs at least that. 0 when there is no deficit.
fn fill(segments: &mut [Segment], deficit: u64) -> u64 {
    if deficit == 0 {
        return 0;
    }
    segments.sort_unstable_by(|a, b| a.slope.partial_cmp(&b.slope).unwrap_or(Ordering::Equal));
    let (mut left, mut total) = (deficit, 0.0f64);
    for segment in segments.iter() {
        let take = segment.width.min(left);
        total += segment.slope * take as f64;
        left -= take;
        if left == 0 {
            break;
        }
    }
    // The margin absorbs floating-point error.
    (total - total.abs() * 1e-9 - 1e-6).ceil().max(0.0) as u64
}

/// Attaches a certified [`Bound`] to an answer that is not proven optimal.
fn certify(instance: &Instance, objective: Objective, target: u64, mut choice: Choice) -> Choice {
    let max_value = instance.max_value();
    let deficit = if objective == Objective::MostComplete { None } else { Some(target) };
    let reached = vec![0u64; instance.requirements];
    let (_, cost, weeks) = completion_bound(instance.items.iter(), &reached, deficit, &mut BoundScratch::default());
    let lower = if objective == Objective::Fastest { weeks } else { cost };
    let achieved = objective.primary(choice.totals);
    let cost_factor = match (achieved, lower) {
        (0, _) => 1.0,
        (_, 0) => f64::INFINITY,
        (a, l) => a as f64 / l as f64,
    };
    choice.bound = Some(Bound { cost_factor, objective_lower_bound: lower, value_upper_bound: max_value });
    choice
}

// ---------------------------------------------------------------------------------------------
// Exact search

/// Depth-first branch and bound over the items in the order given (no reduction). `None` when the
/// node limit is reached before the search ends.
pub fn exact(instance: &Instance, objective: Objective, target: u64) -> Option<Choice> {
    let searched = search(instance, objective, target, NODE_LIMIT);
    searched.complete.then_some(searched.best)
}

/// The best set found and whether the search proved it optimal.
struct Searched {
    best: Choice,
    complete: bool,
}

/// Searches `instance` with its items in [`search_order`], visiting at most `budget` nodes;
/// positions in the answer refer to `instance`.
fn search(instance: &Instance, objective: Objective, target: u64, budget: u64) -> Searched {
    let order = search_order(instance, objective);
    let ordered = instance.subset(&order);
    let instance = &ordered;
    let n = instance.items.len();
    let target = if objective == Objective::MostComplete { 0 } else { target };
    // Whether an item is a prerequisite of a later one: then choosing it may pay off later even
    // when it adds no value itself.
    let mut needed_later = vec![false; n];
    for item in &instance.items {
        for &p in &item.prerequisites {
            needed_later[p as usize] = true;
        }
    }
    // The greedy's answer is the first incumbent: most branches are cut against it at once.
    let start = greedy(instance, objective, target);
    let best = (start.totals.value >= target).then(|| (start.items.clone(), start.totals));
    let mut search = Search {
        instance,
        objective,
        rule: Rule::For(objective),
        target,
        needed_later,
        chosen: vec![false; n],
        passed_over: vec![false; n],
        reached: vec![0; instance.requirements],
        best,
        nodes: 0,
        scratch: BoundScratch::default(),
        memo: Memo::new(instance),
        budget,
    };
    search.visit(0, 0, 0, 0);
    let complete = search.nodes <= budget;
    // The empty set is always feasible; it wins when nothing reaches the target.
    let (items, totals) = search.best.unwrap_or_default();
    let mut items: Vec<u32> = items.iter().map(|&i| order[i as usize]).collect();
    items.sort_unstable();
    Searched { best: Choice { items, totals, bound: None }, complete }
}

/// A topological order of the items that puts the most value per unit of the objective's primary
/// resource first (among the items whose prerequisites are placed): good sets are found early, and
/// an item left out can rule out the worse ones after it ([`Search::beaten`]).
fn search_order(instance: &Instance, objective: Objective) -> Vec<u32> {
    let n = instance.items.len();
    let efficiency: Vec<f64> = instance
        .items
        .iter()
        .map(|item| {
            let value: u64 = item.gains.iter().map(|g| g.1).sum();
            let resource = if objective == Objective::Fastest { u64::from(item.weeks) } else { item.cost };
            value as f64 / (resource as f64 + 1.0)
        })
        .collect();
    let mut waiting: Vec<usize> = instance.items.iter().map(|i| i.prerequisites.len()).collect();
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, item) in instance.items.iter().enumerate() {
        for &p in &item.prerequisites {
            dependants[p as usize].push(j);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while !ready.is_empty() {
        let mut k = 0;
        for (at, &i) in ready.iter().enumerate() {
            let best = ready[k];
            if efficiency[i] > efficiency[best] || (efficiency[i] == efficiency[best] && i < best) {
                k = at;
            }
        }
        let i = ready.swap_remove(k);
        order.push(i as u32);
        for &j in &dependants[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push(j);
            }
        }
    }
    order
}

struct Search<'a> {
    instance: &'a Instance,
    objective: Objective,
    rule: Rule,
    target: u64,
    needed_later: Vec<bool>,
    chosen: Vec<bool>,
    /// Items left out in the current branch although they could have been chosen.
    passed_over: Vec<bool>,
    /// The best gain per requirement of the chosen items.
    reached: Vec<u64>,
    best: Option<(Vec<u32>, Totals)>,
    nodes: u64,
    scratch: BoundScratch,
    memo: Option<Memo>,
    /// Nodes the search may visit.
    budget: u64,
}

/// States already searched: two partial sets at the same item that reach the same gain on every
/// requirement and hold the same prerequisites of the items still open have the same completions,
/// so the one that is no better by the objective's (primary, secondary) resources than an earlier
/// one cannot lead anywhere better.
struct Memo {
    /// Per requirement, its distinct gains ascending (0 first): a reached gain as one byte.
    levels: Vec<Vec<u64>>,
    /// Per item position `i`, the items before `i` that items from `i` on need, as bits.
    needed_from: Vec<u64>,
    /// (position, needed chosen items, reached levels) → the best (primary, secondary) seen.
    seen: std::collections::HashMap<Vec<u8>, (u64, u64)>,
    key: Vec<u8>,
}

/// At most this many states are remembered, so memory stays bounded.
const MEMO_LIMIT: usize = 1 << 17;

impl Memo {
    /// `None` for instances the key cannot describe (over 64 items, over 256 gain levels).
    fn new(instance: &Instance) -> Option<Memo> {
        let n = instance.items.len();
        let mut levels = vec![vec![0u64]; instance.requirements];
        for item in &instance.items {
            for &(r, g) in &item.gains {
                levels[r as usize].push(g);
            }
        }
        for list in &mut levels {
            list.sort_unstable();
            list.dedup();
        }
        if n > 64 || levels.iter().any(|l| l.len() > 256) {
            return None;
        }
        let mut needed_from = vec![0u64; n + 1];
        for (j, item) in instance.items.iter().enumerate() {
            for &p in &item.prerequisites {
                for slot in &mut needed_from[p as usize + 1..=j] {
                    *slot |= 1 << p;
                }
            }
        }
        Some(Memo { levels, needed_from, seen: Default::default(), key: Vec::new() })
    }

    /// Whether an earlier state with the same key was at least as good; else remembers this one.
    fn seen_better(&mut self, i: usize, reached: &[u64], chosen: &[bool], resources: (u64, u64)) -> bool {
        let needed = (0..i).filter(|&k| chosen[k]).fold(0u64, |bits, k| bits | (1 << k)) & self.needed_from[i];
        self.key.clear();
        self.key.extend_from_slice(&(i as u16).to_le_bytes());
        self.key.extend_from_slice(&needed.to_le_bytes());
        for (r, &g) in reached.iter().enumerate() {
            self.key.push(self.levels[r].binary_search(&g).unwrap_or(0) as u8);
        }
        match self.seen.get_mut(&self.key) {
            Some(best) if *best <= resources => true,
            Some(best) => {
                *best = resources;
                false
            }
            None => {
                if self.seen.len() < MEMO_LIMIT {
                    self.seen.insert(self.key.clone(), resources);
                }
                false
            }
        }
    }
}

impl Search<'_> {
    /// Whether another item beats item `i` on what it still adds — at least as much on every
    /// requirement, and at least as good by the objective's resources — and is free to take its
    /// place: a later item whose prerequisites are all chosen (any completion with `i` is then
    /// matched by one with that item, explored in the branch without `i`), or an earlier one left
    /// out although it could have been chosen (sets with it were explored in its branch).
    fn beaten(&self, i: usize) -> bool {
        let items = &self.instance.items;
        let item = &items[i];
        let covers = |other: &Item| {
            self.rule.accepts(other.cost, u64::from(other.weeks), item.cost, u64::from(item.weeks))
                && item
                    .gains
                    .iter()
                    .all(|&(r, g)| g <= self.reached[r as usize] || other.gains.iter().any(|&(q, h)| q == r && h >= g))
        };
        let later = items[i + 1..]
            .iter()
            .any(|other| other.prerequisites.iter().all(|&p| self.chosen[p as usize]) && covers(other));
        later || (0..i).any(|k| self.passed_over[k] && covers(&items[k]))
    }

    fn visit(&mut self, i: usize, value: u64, cost: u64, weeks: u64) {
        self.nodes += 1;
        if self.nodes > self.budget {
            return;
        }
        let items = &self.instance.items;
        let chosen = &self.chosen;
        // Items still open whose prerequisites can still be met.
        let remaining =
            items[i..].iter().filter(|item| item.prerequisites.iter().all(|&p| p as usize >= i || chosen[p as usize]));
        let deficit = match self.objective {
            Objective::MostComplete => None,
            Objective::Cheapest | Objective::Fastest => Some(self.target.saturating_sub(value)),
        };
        let (extra, cost_bound, weeks_bound) = completion_bound(remaining, &self.reached, deficit, &mut self.scratch);
        let reachable = value + extra;
        if reachable < self.target {
            return;
        }
        // A lower bound, per objective, on the key of every completion of this node.
        let bound =
            Totals { value: reachable, cost: cost + cost_bound, weeks: weeks + weeks_bound }.key(self.objective);
        if let Some((_, best)) = &self.best
            && bound >= best.key(self.objective)
        {
            return;
        }
        if i == items.len() {
            if value >= self.target {
                let chosen = (0..i as u32).filter(|&k| self.chosen[k as usize]).collect();
                self.best = Some((chosen, Totals { value, cost, weeks }));
            }
            return;
        }
        let resources = self.rule.order(cost, weeks);
        if let Some(memo) = &mut self.memo
            && memo.seen_better(i, &self.reached, &self.chosen, resources)
        {
            return;
        }
        let item = &items[i];
        let allowed = item.prerequisites.iter().all(|&p| self.chosen[p as usize]);
        let added: u64 = item.gains.iter().map(|&(r, g)| g.saturating_sub(self.reached[r as usize])).sum();
        // An item that adds nothing and opens nothing only adds cost and weeks; a beaten one can
        // be swapped for the item that beats it.
        let worth_trying = self.needed_later[i] || (added > 0 && !self.beaten(i));
        if allowed && worth_trying {
            let saved: Vec<(u32, u64)> = item.gains.iter().map(|&(r, _)| (r, self.reached[r as usize])).collect();
            for &(r, gain) in &item.gains {
                let slot = &mut self.reached[r as usize];
                *slot = (*slot).max(gain);
            }
            self.chosen[i] = true;
            self.visit(i + 1, value + added, cost + item.cost, weeks + u64::from(item.weeks));
            self.chosen[i] = false;
            for (r, old) in saved {
                self.reached[r as usize] = old;
            }
            self.passed_over[i] = true;
            self.visit(i + 1, value, cost, weeks);
            self.passed_over[i] = false;
        } else {
            self.visit(i + 1, value, cost, weeks);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Greedy

/// Greedy: repeatedly add the item, with its prerequisites not yet chosen, that adds the most value
/// per cost (Cheapest, MostComplete) or per week (Fastest); stop at the target (Cheapest, Fastest)
/// or when nothing adds value (MostComplete, which therefore reaches the most reachable value).
/// Then drop, most expensive first, every item the answer does not need. The answer carries no
/// bound: [`choose`] certifies it.
pub fn greedy(instance: &Instance, objective: Objective, target: u64) -> Choice {
    let n = instance.items.len();
    let mut chosen = vec![false; n];
    let mut best_gain = vec![0u64; instance.requirements];
    let mut value = 0u64;
    let stop = if objective == Objective::MostComplete { u64::MAX } else { target };
    // The closure of an item: itself and every prerequisite not yet chosen.
    let closure = |i: usize, chosen: &[bool]| -> Vec<usize> {
        let mut list = vec![i];
        let mut k = 0;
        while k < list.len() {
            for &p in &instance.items[list[k]].prerequisites {
                let p = p as usize;
                if !chosen[p] && !list.contains(&p) {
                    list.push(p);
                }
            }
            k += 1;
        }
        list
    };
    while value < stop {
        let mut pick: Option<(f64, usize, Vec<usize>)> = None;
        for i in 0..n {
            if chosen[i] || instance.items[i].gains.iter().all(|&(r, g)| g <= best_gain[r as usize]) {
                continue;
            }
            let bundle = closure(i, &chosen);
            let mut gain_after = best_gain.clone();
            let (mut cost, mut weeks) = (0u64, 0u64);
            for &b in &bundle {
                cost += instance.items[b].cost;
                weeks += u64::from(instance.items[b].weeks);
                for &(r, g) in &instance.items[b].gains {
                    gain_after[r as usize] = gain_after[r as usize].max(g);
                }
            }
            let added: u64 = gain_after.iter().sum::<u64>() - value;
            let price = match objective {
                Objective::Fastest => weeks as f64 + 1.0,
                _ => cost as f64 + 1.0,
            };
            let ratio = added as f64 / price;
            if pick.as_ref().is_none_or(|(best, _, _)| ratio > *best) {
                pick = Some((ratio, i, bundle));
            }
        }
        let Some((_, _, bundle)) = pick else { break };
        for b in bundle {
            chosen[b] = true;
            for &(r, g) in &instance.items[b].gains {
                best_gain[r as usize] = best_gain[r as usize].max(g);
            }
        }
        value = best_gain.iter().sum();
    }
    let mut items: Vec<u32> = (0..n as u32).filter(|&k| chosen[k as usize]).collect();
    drop_redundant(instance, objective, target, &mut items);
    let totals = instance.totals(&items);
    Choice { items, totals, bound: None }
}

/// Removes, most expensive first (longest first for Fastest), every item no other chosen item
/// needs whose removal keeps the value at the target (for MostComplete: keeps it unchanged).
fn drop_redundant(instance: &Instance, objective: Objective, target: u64, items: &mut Vec<u32>) {
    let floor = if objective == Objective::MostComplete { instance.totals(items).value } else { target };
    let mut order = items.clone();
    order.sort_by_key(|&i| {
        let item = &instance.items[i as usize];
        let primary = if objective == Objective::Fastest { u64::from(item.weeks) } else { item.cost };
        (std::cmp::Reverse(primary), std::cmp::Reverse(i))
    });
    for i in order {
        if items.iter().any(|&o| instance.items[o as usize].prerequisites.contains(&i)) {
            continue;
        }
        let without: Vec<u32> = items.iter().copied().filter(|&o| o != i).collect();
        if instance.totals(&without).value >= floor {
            *items = without;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(gains: &[(u32, u64)], cost: u64, weeks: u32, prerequisites: &[u32]) -> Item {
        Item { gains: gains.to_vec(), cost, weeks, prerequisites: prerequisites.to_vec() }
    }

    #[test]
    fn a_prerequisite_comes_along_and_the_cheapest_full_cover_wins() {
        let instance = Instance {
            requirements: 2,
            items: vec![
                item(&[(0, 5)], 100, 4, &[]),
                item(&[(1, 5)], 100, 4, &[0]),
                item(&[(0, 5), (1, 5)], 250, 2, &[]),
            ],
        };
        let complete = choose(&instance, Objective::MostComplete, 0);
        assert_eq!(complete.items, vec![0, 1]);
        assert_eq!(complete.totals, Totals { value: 10, cost: 200, weeks: 8 });
        let fastest = choose(&instance, Objective::Fastest, 10);
        assert_eq!(fastest.items, vec![2]);
        assert_eq!(brute_force(&instance, Objective::Fastest, 10), fastest.totals);
    }

    #[test]
    fn a_course_beaten_by_two_cheaper_shorter_ones_is_dropped_but_a_needed_one_stays() {
        let instance = Instance {
            requirements: 3,
            items: vec![
                item(&[(0, 4)], 100, 2, &[]),
                item(&[(1, 4)], 100, 2, &[]),
                // Beaten by 0 and 1 together: more cost, more weeks, less gain.
                item(&[(0, 3), (1, 4)], 300, 5, &[]),
                // Needed by item 4, so it stays although 0 beats it.
                item(&[(0, 2)], 500, 9, &[]),
                item(&[(2, 4)], 50, 1, &[3]),
            ],
        };
        for objective in [Objective::Cheapest, Objective::Fastest, Objective::MostComplete] {
            assert_eq!(reduce(&instance, objective), vec![0, 1, 3, 4]);
        }
        // With only bounds on the cost of item 2, it goes only when the others' highest costs
        // stay under its lowest.
        assert_eq!(reduce_with_cost_bounds(&instance, &[100, 100, 150, 500, 50]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn the_completion_bound_fills_the_cheapest_requirements_first() {
        let items =
            [item(&[(0, 10)], 100, 1, &[]), item(&[(1, 10)], 1000, 1, &[]), item(&[(0, 10), (1, 10)], 1000, 4, &[])];
        let (reachable, cost, weeks) = completion_bound(items.iter(), &[0, 0], Some(15), &mut BoundScratch::default());
        assert_eq!(reachable, 20);
        // Requirement 0 at 10/unit for 10 units, then requirement 1 at 50/unit (item 2) for 5.
        assert_eq!(cost, 350);
        // 1.5 weeks at best, so 2 whole weeks.
        assert_eq!(weeks, 2);
    }

    #[test]
    fn the_completion_bound_knows_a_cheap_small_gain_cannot_reach_a_high_level() {
        // Per unit, the small item is ten times cheaper, but only the large one reaches 10.
        let items = [item(&[(0, 2)], 2, 1, &[]), item(&[(0, 10)], 100, 1, &[])];
        let (_, cost, _) = completion_bound(items.iter(), &[0], Some(10), &mut BoundScratch::default());
        assert_eq!(cost, 100);
        let (_, cost, _) = completion_bound(items.iter(), &[0], Some(2), &mut BoundScratch::default());
        assert_eq!(cost, 2);
    }
}
