"""The numbers Chapter 3 glues into its text, computed from the Survey (shares rounded half up)."""

from __future__ import annotations

from ..rounding import round_half_up
from . import stats
from .data import Survey
from .selections import CENTRALITY_PARTS

P_BOUNDS = (0.001, 0.01, ALPHA_BOUND := stats.ALPHA)


def p_bound(p_value: float) -> float:
    """Return the smallest of 0.001, 0.01 and alpha that ``p_value`` is below (for "p < ..." prose).

    Raises ValueError for a p-value at or above alpha: such a result is reported with its own value.
    """
    for bound in P_BOUNDS:
        if p_value < bound:
            return float(bound)
    raise ValueError(f"p = {p_value:.3f} is not below {ALPHA_BOUND}; report the value itself")


def _pct(value: float | None, what: str) -> float:
    if value is None:
        raise ValueError(f"{what}: value is suppressed and cannot be shown")
    return round_half_up(float(value))


def chapter_numbers(survey: Survey) -> dict[str, float | int]:
    """Every number glued into Chapter 3, computed from the survey data (shares rounded half up).

    Keys are glue names without the ``ch3_`` prefix. Shares are whole percentages as floats; p-values
    and interval ends are unrounded floats; counts are ints.
    """

    def share(item: str, category: str, wave: int, population: str = "all") -> float:
        value = stats.share_by_wave(survey, item, category, population).loc[wave, "share"]
        return _pct(value, f"{item} {category} {wave} {population}")

    def role_share(item: str, category: str, wave: int, role: str) -> float:
        return _pct(stats.by_role(survey, item, category, wave).loc[role, "share"], f"{item} {role}")

    out: dict[str, float | int] = {}
    per_wave = survey.respondents_per_wave()
    out["respondents_2014"], out["respondents_2016"] = per_wave[2014], per_wave[2016]
    # influence (Q11, Q12, Q13)
    for wave in (2014, 2016):
        out[f"ccg_more_{wave}"] = share("ccg_relative_influence", "somewhat_more|much_more", wave)
        out[f"ccg_less_{wave}"] = share("ccg_relative_influence", "much_less|somewhat_less", wave)
        out[f"nhse_high_{wave}"] = share("nhse_influence", "quite_a_lot|very_extensive", wave)
    out["weight_gps_2016"] = share("gp_vs_manager_influence", "gps_somewhat_more|gps_much_more", 2016)
    out["weight_managers_2016"] = share(
        "gp_vs_manager_influence", "managers_much_more|managers_somewhat_more", 2016
    )
    out["weight_equal_2016"] = share("gp_vs_manager_influence", "about_equal", 2016)
    # vision (Q1, Q2, Q2a, Q2b)
    vision = stats.wave_change(survey, "vision_setter", "both_equally")
    out["vision_2014"] = _pct(vision.share_first, "vision 2014")
    out["vision_2016"] = _pct(vision.share_second, "vision 2016")
    out["vision_change"] = round_half_up(vision.difference)
    out["vision_change_low"], out["vision_change_high"] = vision.low, vision.high
    out["vision_p"] = vision.p_value
    out["vision_p_bound"] = p_bound(vision.p_value)
    out["vision_clinicians_2016"] = share("vision_setter", "clinicians", 2016)
    out["vision_managers_2016"] = share("vision_setter", "managers", 2016)
    # communication (Q14, Q15)
    for item, key in (("comm_secondary_care", "comm_secondary"), ("comm_public", "comm_public")):
        change = stats.wave_change(survey, item, "good|very_good")
        out[f"{key}_2014"] = _pct(change.share_first, item)
        out[f"{key}_2016"] = _pct(change.share_second, item)
        out[f"{key}_change"] = float(change.difference)
        out[f"{key}_p"] = change.p_value
        out[f"{key}_p_bound"] = p_bound(change.p_value)
    # centrality (Q3, Q4, Q4a, Q5)
    out["central_nearly_all"] = share("leadership_centrality", "nearly_all", 2016)
    out["central_significant"] = share("leadership_centrality", "significant_proportion", 2016)
    central = stats.wave_change(survey, "leadership_centrality", "|".join(CENTRALITY_PARTS))
    out["central_2014"] = _pct(central.share_first, "centrality 2014")
    out["central_2016"] = _pct(central.share_second, "centrality 2016")
    out["central_change"] = float(central.difference)
    out["central_change_low"], out["central_change_high"] = central.low, central.high
    out["central_p"] = central.p_value
    # primary-care link (Q6) and collaborations (Q7-Q9a)
    out["link_gp_managers"] = share("primary_care_link", "gp_members", 2016, "managers")
    out["link_managers_managers"] = share("primary_care_link", "managers", 2016, "managers")
    out["link_jointly_managers"] = share("primary_care_link", "jointly", 2016, "managers")
    out["link_gp_all"] = share("primary_care_link", "gp_members", 2016)
    out["n_managers_2016"] = int(
        stats.share_by_wave(survey, "primary_care_link", 1, "managers").loc[2016, "n"]
    )
    out["collab_managers"] = share("collaboration_builder", "managers_alone", 2016)
    out["collab_jointly"] = share("collaboration_builder", "jointly", 2016)
    out["collab_clinicians"] = share("collaboration_builder", "clinicians", 2016)
    out["collab_three"] = share("collaboration_builder", "managers_alone|jointly|clinicians", 2016)
    # plans vs change (Q10)
    out["plans_agree"] = share("plans_exceed_change", "agree|strongly_agree", 2016)
    out["plans_disagree"] = share("plans_exceed_change", "strongly_disagree|disagree", 2016)
    # roles (Q16-Q18)
    for role in ("chair", "accountable_officer", "chief_finance_officer", "gp_member"):
        out[f"role_ccg_more_{role}"] = role_share(
            "ccg_relative_influence", "somewhat_more|much_more", 2016, role
        )
        out[f"role_redesign_{role}"] = role_share("gp_influence_redesign", "agree|strongly_agree", 2016, role)
    redesign = stats.by_role(survey, "gp_influence_redesign", "agree|strongly_agree", 2016)
    others = [s for r, s in redesign["share"].items() if r != "gp_member" and s is not None]
    out["role_redesign_next_lowest"] = _pct(min(others), "next-lowest role")
    out["redesign_all_2016"] = share("gp_influence_redesign", "agree|strongly_agree", 2016)
    # GP workload and engagement (Q19)
    out["workload_agree_gp"] = share("workload_impedes_engagement", "agree|strongly_agree", 2016, "gp_member")
    out["workload_disagree_gp"] = share(
        "workload_impedes_engagement", "strongly_disagree|disagree", 2016, "gp_member"
    )
    out["declining_agree_gp"] = share("gp_engagement_declining", "agree|strongly_agree", 2016, "gp_member")
    out["declining_disagree_gp"] = share(
        "gp_engagement_declining", "strongly_disagree|disagree", 2016, "gp_member"
    )
    # future (Q20, Q21)
    out["survival_unlikely_2016"] = share("ccg_survival", "very_unlikely|unlikely", 2016)
    out["survival_likely_2016"] = share("ccg_survival", "likely|very_likely", 2016)
    out["survival_unlikely_2014"] = share("ccg_survival", "very_unlikely|unlikely", 2014)
    out["keep_commissioning_2016"] = share("commissioning_worth_keeping", "agree|strongly_agree", 2016)
    out["alpha_pct"] = stats.alpha_pct()
    out["interval_level"] = stats.interval_level()
    for key, value in out.items():
        if not isinstance(value, int | float) or type(value).__module__ != "builtins":
            raise TypeError(f"{key}: {type(value)} is not a plain int or float")
    return out
