extension LeadDefinition {
    /// A complete, valid definition (the one in docs/lead-definition.md): fit from the demo company's good-fit
    /// rule with a penalty for free-mail addresses, engagement from events, content and visits with a
    /// 30-day half-life.
    public static let exampleJSON = """
    {
      "fit": {
        "rules": [
          {"id": "industry", "description": "Target industry", "field": "account.industry", "operator": "in",
           "value": ["software", "financial_services", "manufacturing", "healthcare"], "points": 30},
          {"id": "size", "field": "account.employeeCount", "operator": "between", "value": [200, 10000], "points": 30},
          {"id": "seniority", "field": "person.seniority", "operator": "in", "value": ["director", "vp", "c_level"], "points": 40},
          {"id": "free-mail", "field": "person.emailDomain", "operator": "matches", "value": "^(gmail|outlook)\\\\.", "points": -20}
        ],
        "grades": {"A": 80, "B": 60, "C": 30}
      },
      "engagement": {
        "halfLifeDays": 30,
        "rules": [
          {"id": "attended-event", "kind": "attended", "channel": "event", "points": 20},
          {"id": "attended", "kind": "attended", "points": 15, "cap": 30},
          {"id": "downloaded", "kind": "downloaded", "points": 8},
          {"id": "visits", "kind": "visited", "points": 1, "cap": 5}
        ]
      },
      "mql": {"minimumFit": 60, "minimumEngagement": 20}
    }
    """
}
