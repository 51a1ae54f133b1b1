"""The questions and form fields, word for word from the policy (seed 002: Annex 1 and Annex 2).

Keys are stable: they are stored with each preparation answer (``question_key``) and used by the
export, so a key never changes meaning. Add new questions with new keys; never renumber.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    section: str  # "looking_back" | "looking_ahead" | a checklist heading


# Annex 2, 1. Guidance for colleagues — "Looking back over the review period:" (11 questions)
LOOKING_BACK: tuple[Question, ...] = tuple(Question(f"back_{i:02d}", text, "looking_back") for i, text in enumerate((
    "Have you achieved the objectives set?",
    "What objectives / parts of your job do you feel you have done particularly well?",
    "Where objectives have been achieved, what do you think helped you to achieve them?",
    "Where objectives have not been fully achieved, what prevented you from completing them?",
    "How has your job changed since your last planning and review meeting?",
    "If it has changed, how have you adapted in response?",
    "What new skills / knowledge / competencies have you acquired since your last planning and review meeting?",
    "How have these helped you in your current role?",
    "How have you demonstrated the Ways of Being Co-op in your work?",
    "What have you learned about yourself and how you work?",
    "Is there anything that we can do to help you do your job better?",
), start=1))

# Annex 2, 1. Guidance for colleagues — "Looking ahead to next year:" (12 questions)
LOOKING_AHEAD: tuple[Question, ...] = tuple(Question(f"ahead_{i:02d}", text, "looking_ahead") for i, text in enumerate((
    "What changes do you anticipate in your work in the next 6 to 12 months?",
    "If your work is unlikely to change, how can you continue to do it well and continue to contribute to the "
    "success of the academy?",
    "Do you anticipate any issues that are likely to arise?",
    "If so, what is your strategy for overcoming them?",
    "What do you feel you can do in your job to contribute to delivering a high standard of service?",
    "Is there anything about your job role / working at the academy which is worrying you?",
    "If your work is changing, what skills and competencies will be most important to you in tackling the "
    "changes you anticipate?",
    "What development or training needs can you identify?",
    "Are there any relevant professional standards for your role?",
    "What are your main strengths? Could they be developed further or used more if this could be accommodated "
    "within the Trust?",
    "What could be done to support your development / performance by you, by your line manager, or by others?",
    "You may be hoping to develop in your job, or have ideas about your career. If so, make a note of points "
    "for discussion.",
), start=1))

COLLEAGUE_QUESTIONS: tuple[Question, ...] = LOOKING_BACK + LOOKING_AHEAD
COLLEAGUE_INTRO = ("Before your planning and review meeting, think about the following points – it is a good "
                   "idea to make some notes!")
SECTION_TITLES = {"looking_back": "Looking back over the review period",
                  "looking_ahead": "Looking ahead to next year"}

# Annex 2, 2. Guidance for reviewers: "Make sure that you are fully prepared ... and you:"
REVIEWER_READY: tuple[Question, ...] = tuple(Question(f"ready_{i:02d}", text, "ready") for i, text in enumerate((
    "understand the Trust's policy on performance management for support staff;",
    "have copies of all the relevant documents to hand (e.g. job description, academy improvement plan, copy of "
    "this policy, relevant professional standards); Ways of Being Co-op",
    "have access to any statistical data that both reviewer and colleague consider important;",
    "are able to provide constructive feedback and engage in positive dialogue with the colleague;",
    "are aware of the resources available to support development both within and beyond the academy.",
), start=1))
REVIEWER_SHARE_NOTE = ("Note, wherever possible documentation to be referred to should be shared in advance of the "
                       "meeting to enable an informed discussion to take place.")

# Annex 2, 2. — "Looking back at the review period:"
REVIEWER_BACK: tuple[Question, ...] = tuple(Question(f"rback_{i:02d}", text, "looking_back") for i, text in enumerate((
    "review the previous planning & review form / objectives set (including any revisions made during the year);",
    "review the training, professional development, and support needs documented at the start of the review "
    "period, and consider the training, development and support that has been provided against this;",
    "share information on performance during the year relating to the job role and agreed objectives;",
    "if not the direct/only line manager, seek input from other manager(s) involved on performance in review "
    "period and priorities for next cycle.",
), start=1))

# Annex 2, 2. — "Looking ahead to next year:"
REVIEWER_AHEAD: tuple[Question, ...] = tuple(Question(f"rahead_{i:02d}", text, "looking_ahead") for i, text in
                                             enumerate((
    "consider the priorities for the next cycle / possible objectives to be discussed;",
    "find out if there are any team or whole academy objectives which need to be included;",
    "review the notes on objective setting below.",
), start=1))

REVIEWER_CHECKLIST: tuple[Question, ...] = REVIEWER_READY + REVIEWER_BACK + REVIEWER_AHEAD

# Annex 1, Planning & Review Form (Support Staff): headings and field labels as printed.
FORM_TITLE = "Planning & Review Form (Support Staff)"
OBJECTIVES_HEADING = "Agreeing your performance management objectives"
OBJECTIVES_GUIDANCE = ("Use this space to document your objectives, including success criteria / measures / "
                       "milestones, and when it will be completed by.")
OBJECTIVE_LABEL = "Objective:"
SUCCESS_CRITERIA_LABEL = "Success criteria:"
SUPPORT_LABEL = "Development or support needed to successfully achieve this objective:"
PROFESSIONAL_DEVELOPMENT_HEADING = "Professional & career development"
PROFESSIONAL_DEVELOPMENT_GUIDANCE = ("Use this space to record discussion around continuing professional "
                                     "development, professional standards & career aspirations.")
COOP_HEADING = "Ways of Being Co-op"
COOP_GUIDANCE = "Use this space to record discussion around the behaviours that underpin 'how we do things round here'"
OTHER_INFORMATION = "Use this space to record any other relevant information in relation to the forthcoming year:"
PLANNING_SIGN = "Sign here to indicate that these objectives have been agreed:"

MIDYEAR_HEADING = "Mid-year interim review"
MIDYEAR_GUIDANCE = "Use this space to document progress made towards achieving your objectives."
MIDYEAR_ON_TRACK = "Are all objectives on track to be met?"
PERFORMING_EXPECTED = "Overall, is the colleague performing their job role to the level expected?"
COMMENTS_HERE = "Please add comments here:"
DIALOGUE = ("Use this space to make a record of professional dialogue regarding progress, support / training, "
            "evidence and feedback, and any other relevant information.")
MIDYEAR_COOP_DIALOGUE = "Use this space to make a record of professional dialogue regarding the Ways of Being Co-op"
REVIEWEE_COMMENTS = "Reviewee comments (optional)"
REVIEWER_COMMENTS = "Reviewer comments (optional)"
NOTES_SIGN = "Sign here to indicate that notes of meeting are agreed:"

EOY_HEADING = "End of year review"
EOY_OUTCOME = "Outcome"
EOY_EVIDENCE = "What evidence supports this? Note any factors that have affected performance"


def question(key: str) -> Question:
    for q in COLLEAGUE_QUESTIONS + REVIEWER_CHECKLIST:
        if q.key == key:
            return q
    raise KeyError(key)
