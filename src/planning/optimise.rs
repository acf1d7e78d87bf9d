//! Choosing courses: an abstract, exact optimiser over small candidate sets and a documented greedy
//! approximation over large ones.
//!
//! The optimiser sees no ontology: an [`Instance`] is a list of gap requirements and items (courses
//! or credential procedures), each with the gain it brings per requirement (in integer weight
//! quanta, so ties are exact), its estimated own cost, its duration and the items that must come
//! with it. The value of a set is `Σ_r max_{i ∈ set} gain_i(r)`: a requirement counts once, at the
//! best credit any chosen item gives it. A set is feasible when it holds every prerequisite of
//! every member.
//!
//! Three objectives give the small Pareto set of the planner ([`Objective`]). Up to
//! [`EXACT_LIMIT`] items a depth-first branch and bound finds the optimum of each (the property
//! test checks it against brute force); beyond that — or when the search would visit more than
//! [`NODE_LIMIT`] nodes — a greedy picks the item (with its missing prerequisites) with the most new
//! value per euro or per week, and the answer carries its [`Bound`].

/// At most this many items are optimised exactly.
pub const EXACT_LIMIT: usize = 40;
/// The exact search gives up (and falls back to the greedy) after this many nodes, so a request
/// never takes unbounded time.
pub const NODE_LIMIT: u64 = 4_000_000;

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

/// How far an approximate answer may be from the optimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The greedy's cost is at most this factor times the optimal cost for the same requirements
    /// (H(d), d = most requirements one item gains; the classic weighted set-cover bound, which
    /// holds for instances without prerequisites).
    pub cost_factor: f64,
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
        let all: Vec<u32> = (0..self.items.len() as u32).collect();
        self.totals(&all).value
    }
}

/// The target value for [`Objective::Cheapest`] and [`Objective::Fastest`]: `share` of the most
/// reachable value, rounded up.
pub fn target(max_value: u64, share: f64) -> u64 {
    ((max_value as f64) * share.clamp(0.0, 1.0)).ceil() as u64
}

/// The best set for `objective`, reaching at least `target` value (ignored for MostComplete).
pub fn choose(instance: &Instance, objective: Objective, target: u64) -> Choice {
    if instance.items.len() <= EXACT_LIMIT
        && let Some(choice) = exact(instance, objective, target)
    {
        return choice;
    }
    greedy(instance, objective, target)
}

/// Depth-first branch and bound. `None` when the node limit is reached.
pub fn exact(instance: &Instance, objective: Objective, target: u64) -> Option<Choice> {
    let n = instance.items.len();
    let r = instance.requirements;
    let target = if objective == Objective::MostComplete { 0 } else { target };
    // suffix[i][req] = the best gain items i.. give req: the relaxed bound on what is still reachable.
    let mut suffix = vec![vec![0u64; r]; n + 1];
    for i in (0..n).rev() {
        suffix[i] = suffix[i + 1].clone();
        for &(req, gain) in &instance.items[i].gains {
            let slot = &mut suffix[i][req as usize];
            *slot = (*slot).max(gain);
        }
    }
    let mut search = Search {
        instance,
        objective,
        target,
        suffix,
        chosen: vec![false; n],
        best_gain: vec![0; r],
        best: None,
        nodes: 0,
    };
    search.visit(0, 0, 0);
    if search.nodes > NODE_LIMIT {
        return None;
    }
    // The empty set is always feasible; it wins when nothing reaches the target.
    let (items, totals) = search.best.unwrap_or_default();
    Some(Choice { items, totals, bound: None })
}

struct Search<'a> {
    instance: &'a Instance,
    objective: Objective,
    target: u64,
    suffix: Vec<Vec<u64>>,
    chosen: Vec<bool>,
    best_gain: Vec<u64>,
    best: Option<(Vec<u32>, Totals)>,
    nodes: u64,
}

impl Search<'_> {
    fn visit(&mut self, i: usize, cost: u64, weeks: u64) {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            return;
        }
        let value: u64 = self.best_gain.iter().sum();
        let reachable: u64 = self.best_gain.iter().zip(&self.suffix[i]).map(|(a, b)| *a.max(b)).sum();
        if reachable < self.target {
            return;
        }
        // A lower bound, per objective, on the key of every completion of this node.
        let bound = Totals { value: reachable, cost, weeks }.key(self.objective);
        if let Some((_, best)) = &self.best
            && bound >= best.key(self.objective)
        {
            return;
        }
        if i == self.instance.items.len() {
            if value >= self.target {
                let items = (0..i as u32).filter(|&k| self.chosen[k as usize]).collect();
                self.best = Some((items, Totals { value, cost, weeks }));
            }
            return;
        }
        let item = &self.instance.items[i];
        let allowed = item.prerequisites.iter().all(|&p| self.chosen[p as usize]);
        if allowed {
            let saved: Vec<(u32, u64)> =
                item.gains.iter().map(|&(req, _)| (req, self.best_gain[req as usize])).collect();
            for &(req, gain) in &item.gains {
                let slot = &mut self.best_gain[req as usize];
                *slot = (*slot).max(gain);
            }
            self.chosen[i] = true;
            self.visit(i + 1, cost + item.cost, weeks + u64::from(item.weeks));
            self.chosen[i] = false;
            for (req, old) in saved {
                self.best_gain[req as usize] = old;
            }
        }
        self.visit(i + 1, cost, weeks);
    }
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

/// The n-th harmonic number.
fn harmonic(n: usize) -> f64 {
    (1..=n).map(|k| 1.0 / k as f64).sum()
}

/// Greedy: repeatedly add the item, with its prerequisites not yet chosen, that adds the most value
/// per cost (Cheapest, MostComplete) or per week (Fastest); stop at the target (Cheapest, Fastest)
/// or when nothing adds value (MostComplete, which therefore reaches the most reachable value).
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
    let items: Vec<u32> = (0..n as u32).filter(|&k| chosen[k as usize]).collect();
    let totals = instance.totals(&items);
    let widest = instance.items.iter().map(|item| item.gains.len()).max().unwrap_or(0);
    Choice {
        items,
        totals,
        bound: Some(Bound { cost_factor: harmonic(widest.max(1)), value_upper_bound: instance.max_value() }),
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
}
