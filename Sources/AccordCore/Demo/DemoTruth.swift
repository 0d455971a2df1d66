import Foundation

/// The hidden structure that causes the demo company's outcomes; `accord demo --truth FILE` writes it,
/// and analytics are checked against it. Schema: docs/demo-truth.schema.json.
public struct DemoTruth: Sendable, Codable, Equatable {
    /// Where in a journey a channel's touches fall.
    public enum Phase: String, Sendable, Codable { case early, middle, late }

    /// One channel's true effect and place.
    public struct ChannelTruth: Sendable, Codable, Equatable {
        public var channel: Channel
        /// The channel's own chance to turn a journey into an opportunity: conversion is
        /// `1 − (1 − baseConversion) · Π(1 − lift)` over the channels present, times the fit and speed factors.
        public var lift: Double
        public var phase: Phase
        /// The chance that a person's journey includes the channel at all.
        public var presence: Double
    }

    /// The good-fit rule: all three must hold.
    public struct FitRule: Sendable, Codable, Equatable {
        public var industries: [String]
        public var minimumEmployees: Int
        public var maximumEmployees: Int
        public var seniorities: [Seniority]
    }

    /// A rep who follows up slowly.
    public struct SlowRep: Sendable, Codable, Equatable {
        public var email: String
        public var medianResponseHours: Double
    }

    public var seed: UInt64
    public var scale: Double
    public var asOf: Date
    public var channels: [ChannelTruth]
    public var baseConversion: Double
    public var fitRule: FitRule
    /// Conversion factor for good and for poor fits.
    public var goodFitConversionFactor: Double
    public var poorFitConversionFactor: Double
    /// The chance sales rejects a lead, for good and for poor fits.
    public var goodFitRejectionProbability: Double
    public var poorFitRejectionProbability: Double
    public var slowReps: [SlowRep]
    public var fastRepMedianResponseHours: Double
    /// A lead answered after its SLA converts this much less often.
    public var lateConversionFactor: Double
    /// Response time per priority, in wall-clock hours (the demo ignores business hours).
    public var slaHours: [String: Double]
    public var shelfLifeHours: Double
    /// Measured on the generated data.
    public var goodFitShareOfLeads: Double
    public var goodFitShareOfPersons: Double
    public var counts: [String: Int]
}
