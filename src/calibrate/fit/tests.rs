use super::*;

fn acts(s: &str) -> Vec<Action> {
    s.chars().map(|c| if c == 'D' { Action::D } else { Action::C }).collect()
}

fn rec(own: &str, other: &str) -> Record {
    Record::new(acts(own), acts(other))
}

/// The likelihood by brute force: sum over every sequence of perceptions.
fn brute_force(s: &Strategy, noise: f64, mis: f64, r: &Record) -> f64 {
    let t_max = r.own.len();
    let mut total = 0.0;
    for mask in 0u32..(1 << t_max) {
        // Bit t set: the other's move of round t+1 is perceived as D.
        let mut p_seq = 1.0;
        let mut view = View::first();
        for t in 0..t_max {
            let p_d = noise + (1.0 - 2.0 * noise) * s.p_escalate(&view);
            p_seq *= if r.own[t].is_d() { p_d } else { 1.0 - p_d };
            let seen_d = mask >> t & 1 == 1;
            p_seq *= match (r.other[t].is_d(), seen_d) {
                (true, true) => 1.0,
                (true, false) => 0.0,
                (false, true) => mis,
                (false, false) => 1.0 - mis,
            };
            view.observe(r.own[t], if seen_d { Action::D } else { Action::C });
        }
        total += p_seq;
    }
    total.ln()
}

#[test]
fn forward_algorithm_equals_the_sum_over_every_perception() {
    let r = rec("CDDCCDCCD", "DCCDCCCDC");
    let strategies = [
        Strategy::TitForTat(crate::strategy::TitForTat),
        Strategy::SuspiciousTitForTat(crate::strategy::SuspiciousTitForTat),
        crate::strategy::Kind::GenerousTitForTat.with(&[0.3]),
        Strategy::TitForTwoTats(crate::strategy::TitForTwoTats),
        Strategy::GrimTrigger(crate::strategy::GrimTrigger),
        Strategy::WinStayLoseShift(crate::strategy::WinStayLoseShift),
        crate::strategy::Kind::Random.with(&[0.4]),
        crate::strategy::Kind::MemoryOne.with(&[0.9, 0.2, 0.7, 0.1, 0.8]),
    ];
    for s in &strategies {
        for (noise, mis) in [(0.05, 0.0), (0.1, 0.2), (0.3, 0.7)] {
            let fast = log_likelihood(s, noise, mis, &r);
            let slow = brute_force(s, noise, mis, &r);
            assert!((fast - slow).abs() < 1e-10, "{s:?} ε={noise} μ={mis}: {fast} vs {slow}");
        }
    }
}

#[test]
fn a_consistent_record_has_likelihood_one_without_noise() {
    // TFT copies the other's last move.
    let r = rec("CDCCD", "DCCDC");
    assert_eq!(log_likelihood(&Strategy::TitForTat(crate::strategy::TitForTat), 0.0, 0.0, &r), 0.0);
}

#[test]
fn an_impossible_move_needs_noise_and_does_not_crash_the_fit() {
    // Grim trigger never concedes after a perceived escalation: round 4's C is
    // impossible without noise.
    let r = rec("CCDCD", "CDCCC");
    assert_eq!(log_likelihood(&Strategy::GrimTrigger(crate::strategy::GrimTrigger), 0.0, 0.0, &r), f64::NEG_INFINITY);
    assert!(log_likelihood(&Strategy::GrimTrigger(crate::strategy::GrimTrigger), 0.1, 0.0, &r).is_finite());
    let cfg = FitConfig { candidates: vec![Candidate::new("grim_trigger").unwrap()], profile_points: 11 };
    let fit = fit_side(0, &r, &cfg).unwrap();
    let grim = &fit.fits[0];
    assert!(grim.ln_l.is_finite());
    assert!(grim.noise.value > 0.05, "{:?}", grim.noise);
    assert!(grim.noise.ci_low > 0.0, "a zero-probability move puts ε = 0 outside the interval");
    assert_eq!(grim.needs_noise, vec![4]);
}

#[test]
fn always_escalate_fits_the_share_of_concessions_as_noise() {
    // 3 C in 10 rounds: ε̂ = 0.3 exactly, lnL = 3 ln 0.3 + 7 ln 0.7.
    let r = rec("DDCDDCDDCD", "CCCCCCCCCC");
    let cfg = FitConfig { candidates: vec![Candidate::new("always_escalate").unwrap()], profile_points: 11 };
    let fit = fit_side(0, &r, &cfg).unwrap();
    let f = &fit.fits[0];
    assert!((f.noise.value - 0.3).abs() < 1e-4, "{:?}", f.noise);
    assert!((f.ln_l - (3.0 * 0.3f64.ln() + 7.0 * 0.7f64.ln())).abs() < 1e-8);
    assert_eq!((f.k, f.misperception), (1, None), "μ is not fitted for a strategy that ignores the other side");
    // The profile interval's lower end loses exactly 1.92 of log-likelihood;
    // at ε = 0.5 the loss is 10 ln 0.5 − lnL̂ = 0.82 < 1.92, so the upper end is the bound.
    let at = |e: f64| log_likelihood(&Strategy::AlwaysEscalate(crate::strategy::AlwaysEscalate), e, 0.0, &r);
    assert!((at(f.noise.ci_low) - (f.ln_l - PROFILE_DROP)).abs() < 2e-3);
    assert_eq!(f.noise.ci_high, NOISE_MAX);
    assert_eq!(fit.profile.param, "noise");
}

#[test]
fn aic_ranks_and_weights_candidates() {
    let r = rec("CDCCDDCDCC", "DCCDDCDCCD");
    let cfg = FitConfig {
        candidates: ["tit_for_tat", "always_escalate", "generous_tit_for_tat"]
            .iter()
            .map(|k| Candidate::new(k).unwrap())
            .collect(),
        profile_points: 11,
    };
    let fit = fit_side(0, &r, &cfg).unwrap();
    assert_eq!(fit.fits[0].candidate.name(), "tit_for_tat", "a perfect copy: TFT with no noise");
    assert_eq!(fit.fits[0].ln_l, 0.0);
    assert_eq!(fit.fits[0].aic, 4.0, "k = 2 (ε, μ)");
    assert_eq!(fit.fits[0].delta_aic, 0.0);
    let weights: f64 = fit.fits.iter().map(|f| f.weight).sum();
    assert!((weights - 1.0).abs() < 1e-12);
    let gtft = fit.fits.iter().find(|f| f.candidate.name() == "generous_tit_for_tat").unwrap();
    assert_eq!(gtft.k, 3);
    assert!(gtft.param.unwrap().value < 1e-3);
    assert!((gtft.delta_aic - 2.0).abs() < 1e-6, "same fit, one more parameter");
    assert_eq!(fit.profile.param, "noise");
}

#[test]
fn golden_section_finds_interior_and_boundary_maxima() {
    let (x, _) = golden_max(&|x| -(x - 0.3) * (x - 0.3), 0.0, 1.0);
    assert!((x - 0.3).abs() < 1e-5);
    let (x, _) = golden_max(&|x| -x, 0.0, 0.5);
    assert_eq!(x, 0.0);
}

#[test]
fn candidates_are_checked() {
    assert!(matches!(Candidate::new("tit_for_tatt"), Err(FitError::UnknownStrategy(..))));
    assert!(matches!(Candidate::new("memory_one"), Err(FitError::NotFittable(..))));
    let g = Candidate::new("generous_tit_for_tat").unwrap();
    assert_eq!(g.clone().with_range("generosity", 0.0, 0.5).unwrap().param.unwrap().hi, 0.5);
    assert!(matches!(g.clone().with_range("generosity", 0.6, 0.5), Err(FitError::BadRange { .. })));
    assert!(matches!(g.with_range("p_escalate", 0.0, 0.5), Err(FitError::UnknownParameter { .. })));
    let kinds: Vec<&str> = default_candidates().iter().map(|c| c.name()).collect();
    let fittable = crate::strategy::Kind::ALL
        .iter()
        .filter(|k| matches!(k.info().fit, crate::strategy::FitSupport::Yes { .. }))
        .count();
    assert_eq!(kinds.len(), fittable - 2, "every strategy the fit supports, the three history-blind ones as one");
    assert!(kinds.contains(&"random") && !kinds.contains(&"always_concede") && !kinds.contains(&"always_escalate"));
    assert!(!kinds.contains(&"memory_one"));
    assert_eq!(Candidate::new("random").unwrap().k(), 1, "p only: ε is confounded with p");
    assert_eq!(Candidate::new("always_concede").unwrap().k(), 1);
    assert_eq!(Candidate::new("win_stay_lose_shift").unwrap().k(), 2);
}

#[test]
fn provocations_make_an_unprovoked_escalation_possible() {
    // TFT escalates in round 3 after two concessions: impossible without noise,
    // possible with a provocation chance of 0.2 (and only a D, never a C).
    let mut r = rec("CCDC", "CCCC");
    assert_eq!(log_likelihood(&Strategy::TitForTat(crate::strategy::TitForTat), 0.0, 0.0, &r), f64::NEG_INFINITY);
    r.provocation = vec![0.2; 4];
    let expected = 3.0 * 0.8f64.ln() + 0.2f64.ln();
    assert!((log_likelihood(&Strategy::TitForTat(crate::strategy::TitForTat), 0.0, 0.0, &r) - expected).abs() < 1e-12);
    // With noise: P(D) = 1 − (1 − ε)(1 − q) when TFT intends C.
    let p = |e: f64| 1.0 - (1.0 - e) * 0.8;
    let expected = 3.0 * (1.0 - p(0.1)).ln() + p(0.1).ln();
    assert!((log_likelihood(&Strategy::TitForTat(crate::strategy::TitForTat), 0.1, 0.0, &r) - expected).abs() < 1e-12);
}

#[test]
fn aicc_adds_the_small_sample_correction() {
    // AIC = 2k − 2 lnL; AICc = AIC + 2k(k+1)/(n − k − 1).
    assert_eq!(aicc(-5.5, 2, 12), 15.0 + 12.0 / 9.0);
    assert_eq!(aicc(-8.0, 1, 12), 18.0 + 4.0 / 10.0);
    assert_eq!(aicc(-8.0, 3, 12), 22.0 + 24.0 / 8.0);
    assert!((aicc(-8.0, 3, 1_000_000) - 22.0).abs() < 1e-4, "AICc → AIC for large n");
    assert_eq!(aicc(-1.0, 3, 4), f64::INFINITY, "n ≤ k + 1: undefined");
    // Weights: Δ = 0, 2, ∞ → 1 : e⁻¹ : 0.
    let w = akaike_weights(&[10.0, 12.0, f64::INFINITY]);
    let e = (-1.0f64).exp();
    assert!((w[0] - 1.0 / (1.0 + e)).abs() < 1e-12 && (w[1] - e / (1.0 + e)).abs() < 1e-12 && w[2] == 0.0);
}

#[test]
fn chi_bar_squared_critical_values() {
    // Interior: χ²₁(0.95) = 3.841; on a boundary, ½χ²₀ + ½χ²₁: χ²₁(0.90) = 2.706.
    assert!((lr_critical(0.95, false) - 3.841_459).abs() < 1e-5, "{}", lr_critical(0.95, false));
    assert!((lr_critical(0.95, true) - 2.705_543).abs() < 1e-5, "{}", lr_critical(0.95, true));
    assert!((lr_critical(0.95, false) / 2.0 - PROFILE_DROP).abs() < 1e-6);
    assert!((lr_critical(0.95, true) / 2.0 - BOUNDARY_DROP).abs() < 1e-6);
    // The mixture's tail at c: ½·P(χ²₁ > c) = 0.05.
    let c = lr_critical(0.95, true);
    let tail = 2.0 * (1.0 - crate::stats::normal_cdf(c.sqrt()));
    assert!((0.5 * tail - 0.05).abs() < 1e-6, "{tail}");
}

#[test]
fn the_history_blind_kinds_are_one_model() {
    let list: Vec<Candidate> = ["always_concede", "tit_for_tat", "random", "always_escalate"]
        .iter()
        .map(|k| Candidate::new(k).unwrap())
        .collect();
    let d = distinct(list);
    let names: Vec<&str> = d.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["random", "tit_for_tat"], "merged where the first stood");
    let p = d[0].param.unwrap();
    assert_eq!((p.lo, p.hi), (0.0, 1.0));
    assert_eq!(d[0].label(), BERNOULLI);
    // Always concede with ε and always escalate with ε are sub-ranges of P(D).
    let d = distinct(vec![Candidate::new("always_concede").unwrap(), Candidate::new("always_escalate").unwrap()]);
    assert_eq!(d.len(), 1);
    // A lone one is kept as it is.
    let d = distinct(vec![Candidate::new("always_concede").unwrap()]);
    assert_eq!(d[0].name(), "always_concede");
    // A fit of a record by the merged family equals the best of the three.
    let r = rec("DCCDCCCCDCCC", "CCCCCCCCCCCC");
    let cfg = |ks: &[&str]| FitConfig {
        candidates: ks.iter().map(|k| Candidate::new(k).unwrap()).collect(),
        profile_points: 5,
    };
    let merged = fit_side(0, &r, &cfg(&["always_concede", "random", "always_escalate"])).unwrap();
    assert_eq!(merged.fits.len(), 1);
    let f = &merged.fits[0];
    assert!((f.param.unwrap().value - 0.25).abs() < 1e-4, "p̂ = 3/12");
    assert!((f.ln_l - (3.0 * 0.25f64.ln() + 9.0 * 0.75f64.ln())).abs() < 1e-8);
    assert_eq!(f.weight, 1.0);
    assert!(!merged.identification().identified(), "history-blind: no strategy identified");
}

#[test]
fn an_estimate_on_a_bound_gets_the_one_sided_chi_bar_interval() {
    // TFT copies every move but one: μ̂ = 0 sits on its bound. Its upper end
    // loses 1.35 of lnL (χ̄²), not 1.92.
    let r = rec("CCCCDCDDCC", "DCCDCDDCCD");
    let cfg = FitConfig { candidates: vec![Candidate::new("tit_for_tat").unwrap()], profile_points: 5 };
    let f = &fit_side(0, &r, &cfg).unwrap().fits[0];
    let m = f.misperception.unwrap();
    assert!(m.value < BOUNDARY_TOL && m.boundary, "{m:?}");
    assert_eq!(m.ci_low, 0.0);
    let space = Space::new(&f.candidate, std::slice::from_ref(&r));
    let d = space.free.iter().position(|&(c, _, _)| c == 2).unwrap();
    let mut at = vec![f.noise.value, m.ci_high];
    at[d] = m.ci_high;
    let profile = space.maximise(Some(d), Some(&at)).1;
    assert!((f.ln_l - profile - BOUNDARY_DROP).abs() < 2e-3, "drop {}", f.ln_l - profile);
    assert!(!f.noise.boundary, "ε̂ = 1/10 is inside");
}

#[test]
fn recovery_counts_what_a_tiny_test_recovers() {
    // TFT with a little noise against a fixed alternating opponent, 40 rounds:
    // long enough that TFT is recovered most of the time.
    let other = "CDCDDCCDCDDDCCCDCDCDCCDDCDCDCCDCDDCDCCDC";
    let r = rec(&other[..1].repeat(0).chars().chain("C".chars()).chain(other[..39].chars()).collect::<String>(), other);
    let cfg = FitConfig {
        candidates: ["tit_for_tat", "always_concede", "random", "win_stay_lose_shift"]
            .iter()
            .map(|k| Candidate::new(k).unwrap())
            .collect(),
        profile_points: 5,
    };
    let fit = fit_side(0, &r, &cfg).unwrap();
    let truth = &fit.fits[0];
    assert_eq!(truth.candidate.name(), "tit_for_tat");
    let a = recovery::recovery(0, truth, std::slice::from_ref(&r), &cfg, 8, 7);
    let b = recovery::recovery(0, truth, std::slice::from_ref(&r), &cfg, 8, 7);
    assert_eq!(a, b, "deterministic in the seed");
    assert_eq!((a.records, a.rounds), (8, 40));
    assert_eq!(a.selected.iter().map(|s| s.1).sum::<usize>(), 8, "one winner per record");
    assert_eq!(a.selected.len(), 3, "the history-blind candidates count as one");
    assert!(a.recovered >= 6, "{a:?}");
    assert!(a.noise_covered.is_some() && a.param_covered.is_none());
    // Simulated records keep the template's other side and provocations.
    let streams = crate::rng::Streams::new(7);
    let mut rng = crate::rng::LazyRng::new(crate::rng::Channel::Strategy(0));
    let sim = recovery::simulate_record(truth, &r, &mut rng, &streams);
    assert_eq!((sim.other.clone(), sim.own.len()), (r.other.clone(), 40));
}

#[test]
fn pooled_episodes_sum_their_log_likelihoods() {
    // Two episodes, each starting with no history: lnL is the sum, n the total.
    let a = rec("CDDCCD", "DDCCDD");
    let b = rec("CCCDC", "CCDCD");
    let tft = Strategy::TitForTat(crate::strategy::TitForTat);
    let cfg = FitConfig { candidates: vec![Candidate::new("tit_for_tat").unwrap()], profile_points: 5 };
    let pooled = fit_pooled(0, &[a.clone(), b.clone()], &cfg).unwrap();
    let f = &pooled.fits[0];
    let (e, m) = (f.noise.value, f.misperception.unwrap().value);
    let sum = log_likelihood(&tft, e, m, &a) + log_likelihood(&tft, e, m, &b);
    assert!((f.ln_l - sum).abs() < 1e-12);
    assert_eq!((f.n, pooled.rounds, f.predictive.len()), (11, 11, 11));
    assert_eq!(f.aicc, aicc(f.ln_l, 2, 11));
    // Not the same as one record end to end: the second episode restarts.
    let mut joined = a.clone();
    joined.own.extend(&b.own);
    joined.other.extend(&b.other);
    assert!((log_likelihood(&tft, e, m, &joined) - sum).abs() > 1e-6);
    assert!(matches!(fit_pooled(0, &[], &cfg), Err(FitError::EmptyRecord)));
}
