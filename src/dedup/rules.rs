//! The hard constraints: what must hold whatever the learned weights say.
//! Every reason a pair can be kept apart or sent to a person other than its
//! match probability is a row of [`RULES`]: an id (cited by the merge log,
//! the review report and `karte explain`), a one-line reason in English and
//! Japanese, the condition, and the outcome. The weights themselves (what
//! a shared surname, a different given name or a different birth date is
//! worth) are not rules: `model` learns them from the data.
//!
//! The conditions read a [`Join`]: what is known about putting two
//! customers (two clusters of records) together, or about one pair.

/// What a rule does when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The two are never joined (not even through other records).
    KeepApart,
    /// The pair goes to a person instead of being merged.
    Review,
}

/// What is known about joining two customers, or about a pair of records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Join {
    /// A person decided (別人) that a record of one is not a record of the
    /// other.
    pub separated: bool,
    /// The joined customer would hold two birth dates that are not a typo
    /// of each other.
    pub two_births: bool,
    /// The joined customer would hold two clearly different given names
    /// (not a variant, a slip, the same reading in another script, or the
    /// parts entered the other way round).
    pub two_given_names: bool,
    /// Two records of the joined customer carry one customer number of one
    /// source and clearly different given names: a family card (家族カード),
    /// a number a household shares.
    pub one_number_two_names: bool,
    /// The data shows households: the model puts at least
    /// [`HOUSEHOLD_SHARE`] of the candidate pairs in the household kind (a
    /// store: a tenth; FEBRL, which has none: under 0.4 %).
    pub households: bool,
    /// The joined customer's records, one of each customer's compared with
    /// one of the other's (a few that differ from each other): the lowest
    /// match probability; `None` when none were compared.
    pub weakest_link: Option<f64>,
    /// The same among the pairs of them whose given names, birth dates or
    /// genders disagree: facts about a person that do not change (a phone, an
    /// address, a customer number do).
    pub weakest_contradiction: Option<f64>,
    /// The thresholds in force: review, and `auto_merge_contradicting`
    /// where the store sets one (0 when not: no stricter threshold).
    pub review_threshold: f64,
    pub merge_threshold: f64,
    /// The pair waited in the last review report, and neither record changed
    /// since.
    pub held: bool,
}

/// A hard constraint.
pub struct Rule {
    pub id: &'static str,
    pub reason: &'static str,
    pub reason_ja: &'static str,
    pub outcome: Outcome,
    pub applies: fn(&Join) -> bool,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// The share of household pairs among the candidate pairs from which a
/// data set is taken to hold families (and a customer number to be one a
/// family may share: a family card).
pub const HOUSEHOLD_SHARE: f64 = 0.01;

/// The rules, in the order they are asked; the first that applies decides.
pub const RULES: &[Rule] = &[
    Rule {
        id: "separate-decision",
        reason: "a person decided that a record of one is someone else than a record of the other",
        reason_ja: "別人と判定済み",
        outcome: Outcome::KeepApart,
        applies: |j| j.separated,
    },
    Rule {
        id: "two-births-two-names",
        reason: "the merged customer would hold two birth dates and two different given names",
        reason_ja: "統合すると生年月日と名がそれぞれ2つになる（家族・別人の可能性）",
        outcome: Outcome::Review,
        applies: |j| j.two_births && j.two_given_names,
    },
    Rule {
        id: "one-number-two-names",
        reason: "the merged customer would hold two clearly different given names under one customer number of one source, in data that shows households (a family card: twins, a parent and child)",
        reason_ja: "同じ顧客番号に別の名（家族カード・双子の可能性）",
        outcome: Outcome::Review,
        applies: |j| j.one_number_two_names && j.households,
    },
    Rule {
        id: "conflicting-records",
        reason: "the merged customer would hold two records that, compared with each other, are likely two people, a column speaking clearly against one person (the pair itself, or the ends of a chain of likely pairs), or, where the store sets auto_merge_contradicting, whose given names, birth dates or genders disagree below it",
        reason_ja: "統合すると、互いに別人らしい（名・生年月日・携帯・メールなどが食い違う）レコードが同じ顧客になる",
        outcome: Outcome::Review,
        applies: |j| {
            j.weakest_link.is_some_and(|p| p < j.review_threshold) || j.weakest_contradiction.is_some_and(|p| p < j.merge_threshold)
        },
    },
    Rule {
        id: "held-for-review",
        reason: "waited in the last review report, and neither record changed since",
        reason_ja: "前回のレビューで未判定（その後どちらのレコードも変更なし）",
        outcome: Outcome::Review,
        applies: |j| j.held,
    },
];

/// The first rule that applies.
pub fn first(j: &Join) -> Option<&'static Rule> {
    RULES.iter().find(|r| (r.applies)(j))
}

/// A rule by its id (for reasons stored in the database).
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

impl Rule {
    /// The reason as stored and shown: the rule's id, then its reason
    /// (`[two-births-two-names] the merged customer would …`).
    pub fn cite(&self) -> String {
        format!("[{}] {}", self.id, self.reason)
    }
}

/// A stored review reason in Japanese: a rule's (with its id), or the
/// score's.
pub fn reason_ja(reason: &str) -> String {
    let id = reason.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(id, _)| id);
    if let Some(r) = RULES.iter().find(|r| Some(r.id) == id || r.reason == reason) {
        return format!("{} [{}]", r.reason_ja, r.id);
    }
    match reason {
        SCORE_REASON => "一致確率が自動統合の基準に届かない".to_string(),
        // Reasons stored by karte before its rules were a table.
        "score between the review and merge thresholds" => "スコアが自動統合の基準に届かない".to_string(),
        "different given name: needs a person's decision" => "名が異なる（双子・家族の可能性）".to_string(),
        other => other.to_string(),
    }
}

/// The reason of a pair that goes to review on its probability alone.
pub const SCORE_REASON: &str = "match probability between the review and merge thresholds";

#[cfg(test)]
mod tests {
    use super::*;

    /// (what is known, the rule that decides): the rules' case table.
    #[test]
    fn the_case_table() {
        let base = Join { review_threshold: 0.5, merge_threshold: 0.99, ..Join::default() };
        let cases: Vec<(Join, Option<&str>)> = vec![
            (base, None),
            (Join { separated: true, ..base }, Some("separate-decision")),
            (Join { separated: true, held: true, two_births: true, two_given_names: true, ..base }, Some("separate-decision")),
            (Join { two_births: true, ..base }, None),
            (Join { two_given_names: true, ..base }, None),
            (Join { two_births: true, two_given_names: true, ..base }, Some("two-births-two-names")),
            (Join { weakest_link: Some(0.9), ..base }, None),
            (Join { weakest_link: Some(0.2), ..base }, Some("conflicting-records")),
            (Join { weakest_link: Some(0.9), weakest_contradiction: Some(0.9), ..base }, Some("conflicting-records")),
            (Join { weakest_link: Some(0.9), weakest_contradiction: Some(0.995), ..base }, None),
            (Join { two_given_names: true, weakest_link: Some(0.99), ..base }, None),
            (Join { held: true, ..base }, Some("held-for-review")),
            (Join { one_number_two_names: true, households: true, ..base }, Some("one-number-two-names")),
            (Join { one_number_two_names: true, ..base }, None),
            (
                Join { one_number_two_names: true, households: true, two_births: true, two_given_names: true, ..base },
                Some("two-births-two-names"),
            ),
            (Join { one_number_two_names: true, households: true, separated: true, ..base }, Some("separate-decision")),
        ];
        for (j, want) in cases {
            assert_eq!(first(&j).map(|r| r.id), want, "{j:?}");
        }
    }

    #[test]
    fn ids_are_unique_and_reasons_translated() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[i + 1..].iter().all(|o| o.id != r.id), "{}", r.id);
            assert_eq!(by_id(r.id).map(|x| x.id), Some(r.id));
            assert_eq!(reason_ja(&r.cite()), format!("{} [{}]", r.reason_ja, r.id));
        }
    }
}
