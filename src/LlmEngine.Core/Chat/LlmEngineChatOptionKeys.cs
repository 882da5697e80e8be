namespace LlmEngine.Chat;

/// <summary>
/// The <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> keys <see cref="LlmEngineChatClient"/>
/// understands: vLLM's own request parameters, under vLLM's names. Any other key is rejected with an
/// <see cref="ArgumentException"/> listing these, so a misspelt option never goes unnoticed.
/// </summary>
public static class LlmEngineChatOptionKeys
{
    /// <summary><c>min_p</c> (number in [0, 1]): drop tokens less likely than this fraction of the most likely one.</summary>
    public const string MinP = "min_p";

    /// <summary><c>repetition_penalty</c> (number &gt; 0; 1 disables): penalise tokens already in the prompt or output.</summary>
    public const string RepetitionPenalty = "repetition_penalty";

    /// <summary><c>top_k</c> (integer; 0 or -1 disables): the same as <see cref="Microsoft.Extensions.AI.ChatOptions.TopK"/>; setting both to different values is an error.</summary>
    public const string TopK = "top_k";

    /// <summary><c>min_tokens</c> (integer ≥ 0): tokens to generate before EOS or a stop token may end the answer.</summary>
    public const string MinTokens = "min_tokens";

    /// <summary><c>stop_token_ids</c> (array of token ids): tokens that end the answer, besides EOS.</summary>
    public const string StopTokenIds = "stop_token_ids";

    /// <summary><c>ignore_eos</c> (boolean): keep generating after EOS.</summary>
    public const string IgnoreEos = "ignore_eos";

    /// <summary><c>logit_bias</c> (object of token id to bias): added to those tokens' logits.</summary>
    public const string LogitBias = "logit_bias";

    /// <summary><c>allowed_token_ids</c> (array of token ids): only these tokens may be generated.</summary>
    public const string AllowedTokenIds = "allowed_token_ids";

    /// <summary><c>bad_words</c> (array of strings): words that must not be generated.</summary>
    public const string BadWords = "bad_words";

    /// <summary><c>skip_special_tokens</c> (boolean): leave special tokens out of the text. Default true, false when tools are offered (tool-call markers are often special tokens).</summary>
    public const string SkipSpecialTokens = "skip_special_tokens";

    /// <summary><c>include_stop_str_in_output</c> (boolean): keep a matched stop sequence at the end of the text.</summary>
    public const string IncludeStopStringInOutput = "include_stop_str_in_output";

    /// <summary><c>logprobs</c> (boolean): return the sampled tokens' log-probabilities in each update's <c>AdditionalProperties["logprobs"]</c> (a list of <see cref="PositionLogprobs"/>).</summary>
    public const string Logprobs = "logprobs";

    /// <summary><c>top_logprobs</c> (integer in [0, 20]): also return this many most likely tokens per position (implies <see cref="Logprobs"/>).</summary>
    public const string TopLogprobs = "top_logprobs";

    /// <summary><c>chat_template_kwargs</c> (object): extra variables for the chat template, such as <c>{"enable_thinking": false}</c>.</summary>
    public const string ChatTemplateKwargs = "chat_template_kwargs";

    /// <summary><c>add_generation_prompt</c> (boolean, default true): end the prompt with the header of a new assistant turn.</summary>
    public const string AddGenerationPrompt = "add_generation_prompt";

    /// <summary><c>priority</c> (integer): lower values are scheduled first when the engine uses priority scheduling.</summary>
    public const string Priority = "priority";

    /// <summary>
    /// A <see cref="Sampling.Constraints.ConstraintSpec"/> (regex, choice, GBNF grammar, JSON schema) the output must match:
    /// vLLM's <c>guided_*</c> parameters. Cannot be combined with <see cref="Microsoft.Extensions.AI.ChatOptions.ResponseFormat"/> JSON.
    /// </summary>
    public const string Constraint = "constraint";

    /// <summary>
    /// <c>chat_template</c> (a Jinja string or a <see cref="Templates.ChatTemplate"/>): render this call with it instead of
    /// the model's template, as vLLM's per-request <c>chat_template</c> does. Parsed templates are cached by their text.
    /// </summary>
    public const string ChatTemplate = "chat_template";

    /// <summary>
    /// <c>continue_final_message</c> (boolean): the conversation ends with an assistant message that the model continues
    /// (a prefilled answer). The prompt is rendered without a generation prompt and cut right after that message's text;
    /// setting <see cref="AddGenerationPrompt"/> to true as well is an error.
    /// </summary>
    public const string ContinueFinalMessage = "continue_final_message";

    /// <summary>
    /// <c>prompt_logprobs</c> (integer ≥ 0): return each prompt token's log-probability and this many most likely tokens
    /// per prompt position, once, in an update's <c>AdditionalProperties["prompt_logprobs"]</c> (a list of
    /// <see cref="PositionLogprobs"/>, null for the first position).
    /// </summary>
    public const string PromptLogprobs = "prompt_logprobs";

    /// <summary>Every key above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        MinP, RepetitionPenalty, TopK, MinTokens, StopTokenIds, IgnoreEos, LogitBias, AllowedTokenIds, BadWords,
        SkipSpecialTokens, IncludeStopStringInOutput, Logprobs, TopLogprobs, ChatTemplateKwargs, AddGenerationPrompt, Priority,
        Constraint, ChatTemplate, ContinueFinalMessage, PromptLogprobs,
    ];
}
