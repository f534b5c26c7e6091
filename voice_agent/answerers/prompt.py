"""The LLM prompt: a short fixed system prompt, then the facts and the question."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge_base.answering import Question
from knowledge_base.models import is_chinese

SYSTEM_PROMPT_EN = (
    "You are the promotions assistant of Stride, a shoe and apparel chain. A store clerk "
    "hears your answer through an earpiece while serving a customer.\n"
    "Rules:\n"
    "- Answer in one or two short spoken sentences. No lists, no markdown, no greetings.\n"
    "- Use only the facts given with the question and the results of your tools. Never "
    "guess or compute a number, price, percentage, date or time that is not written there.\n"
    "- Write numbers with digits, exactly as the facts write them.\n"
    "- If the facts do not answer the question, say you don't know and name the contact "
    "from the facts.\n"
    "- For a price of several items or with a membership, call quote_price."
)

SYSTEM_PROMPT_ZH = (
    "你是鞋服连锁店 Stride 的促销助手。店员通过耳机听你的回答。\n"
    "规则：\n"
    "- 用中文回答，一到两句简短的口语句子，不要列表或格式。\n"
    "- 只使用问题附带的事实和工具结果。"
    "不要猜测或计算事实中没有写出的数字、价格、折扣、日期或时间。\n"
    "- 数字用阿拉伯数字，和事实中的写法一致。\n"
    "- 如果事实不能回答问题，就说不知道，并说出事实中的联系人。\n"
    "- 多件商品或会员价格请调用 quote_price。"
)


def user_prompt(question: Question, facts: Sequence[str]) -> str:
    """The user message: the facts, then the question."""
    chinese = is_chinese(question.language)
    listed = "\n".join(f"- {fact}" for fact in facts) if facts else "- (none found)"
    if chinese:
        return f"事实：\n{listed}\n\n问题：{question.text}"
    return f"Facts:\n{listed}\n\nQuestion: {question.text}"


def build_messages(question: Question, facts: Sequence[str]) -> list[dict[str, object]]:
    """Chat messages for ``question`` answered from ``facts``.

    The system message is the same for every question (rules only), so servers that cache
    prompt prefixes (llama.cpp, vLLM, OpenAI) reuse it and the tool definitions; the
    per-question facts go with the question.
    """
    rules = SYSTEM_PROMPT_ZH if is_chinese(question.language) else SYSTEM_PROMPT_EN
    return [
        {"role": "system", "content": rules},
        {"role": "user", "content": user_prompt(question, facts)},
    ]
