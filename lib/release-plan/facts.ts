// What a plan writer (Gemini or the template writer) may use: the release's facts, the plan's budget and window,
// and which ad platforms the artist has connected. Nothing about fans.
export interface PlanFacts {
  artist: string;
  title: string;
  releaseDate: string;
  explicit: boolean;
  budgetMinor: number;
  currency: string;
  goals: string | null;
  smartLink: string;
  /** ≤ 0: the day relative to the release the pre-save opened */
  presaveOpensDay: number;
  /** ad platforms with an active connection, in the order the budget is split */
  adPlatforms: ('meta' | 'google')[];
}
