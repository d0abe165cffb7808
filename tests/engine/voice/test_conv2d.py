"""Rewriting a 1-D convolution chain as 2-D convolutions of height one."""

from __future__ import annotations

import copy

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from chorus.engine.voice._conv2d import NotConvertibleError, as_2d

CHANNELS = 4


def _decoder_like(extra_op: str | None = None, second_exit: bool = False) -> onnx.ModelProto:
    """A small graph shaped like a voice decoder: an outside node in front, then
    ``/dec/`` convolutions (dilated and padded, transposed with stride and output
    padding), a residual sum, leaky ReLU, a division by a constant, tanh, and an
    outside node after."""
    rng = np.random.default_rng(3)

    def weight(name: str, *shape: int) -> onnx.TensorProto:
        return numpy_helper.from_array(rng.normal(0, 0.4, shape).astype(np.float32), name)

    inits = [
        weight("w_pre", CHANNELS, CHANNELS, 3),
        weight("b_pre", CHANNELS),
        weight("w_up", CHANNELS, CHANNELS, 4),  # ConvTranspose: [in, out, k]
        weight("w_res", CHANNELS, CHANNELS, 3),
        weight("w_post", 1, CHANNELS, 7),
        numpy_helper.from_array(np.array(2.0, dtype=np.float32), "scale"),
    ]
    nodes = [
        helper.make_node("Mul", ["x", "scale"], ["pre"], name="/enc/Mul"),
        helper.make_node(
            "Conv",
            ["pre", "w_pre", "b_pre"],
            ["c1"],
            name="/dec/conv_pre",
            kernel_shape=[3],
            pads=[2, 2],
            dilations=[2],
        ),
        helper.make_node("LeakyRelu", ["c1"], ["a1"], name="/dec/act1", alpha=0.1),
        helper.make_node(
            "ConvTranspose",
            ["a1", "w_up"],
            ["up"],
            name="/dec/up",
            kernel_shape=[4],
            strides=[2],
            pads=[1, 1],
            output_padding=[1],
        ),
        helper.make_node(
            "Conv", ["up", "w_res"], ["r1"], name="/dec/res", kernel_shape=[3], pads=[1, 1]
        ),
        helper.make_node("Add", ["up", "r1"], ["sum"], name="/dec/Add"),
        helper.make_node(
            "Constant",
            [],
            ["two"],
            name="/dec/Constant",
            value=numpy_helper.from_array(np.array(2.0, dtype=np.float32)),
        ),
        helper.make_node("Div", ["sum", "two"], ["half"], name="/dec/Div"),
        helper.make_node(
            "Conv",
            ["half", "w_post"],
            ["c2"],
            name="/dec/conv_post",
            kernel_shape=[7],
            pads=[3, 3],
        ),
        helper.make_node("Tanh", ["c2"], ["t"], name="/dec/Tanh"),
        helper.make_node("Mul", ["t", "scale"], ["y"], name="/out/Mul"),
    ]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, None])]
    if extra_op:
        nodes.insert(-1, helper.make_node(extra_op, ["t"], ["odd"], name="/dec/odd"))
        nodes[-1] = helper.make_node("Mul", ["odd", "scale"], ["y"], name="/out/Mul")
    if second_exit:
        outputs.append(helper.make_tensor_value_info("c1", TensorProto.FLOAT, [1, CHANNELS, None]))
    graph = helper.make_graph(
        nodes,
        "decoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, CHANNELS, None])],
        outputs,
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def _run(model: onnx.ModelProto, x: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return [np.asarray(out) for out in session.run(None, {"x": x})]


def test_the_converted_graph_gives_the_same_output() -> None:
    model = _decoder_like()
    x = np.random.default_rng(5).normal(size=(1, CHANNELS, 37)).astype(np.float32)
    before = _run(model, x)
    converted = as_2d(model, "/dec/")
    onnx.checker.check_model(model)
    after = _run(model, x)
    assert converted == 4
    assert after[0].shape == before[0].shape == (1, 1, 75)
    np.testing.assert_allclose(after[0], before[0], rtol=1e-5, atol=1e-6)


def test_the_convolutions_have_four_dimensional_weights_and_the_rest_is_untouched() -> None:
    model = _decoder_like()
    as_2d(model, "/dec/")
    inits = {init.name: init for init in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type in ("Conv", "ConvTranspose")]
    assert all(len(inits[n.input[1]].dims) == 4 for n in convs)
    assert not {"w_pre", "w_up", "w_res", "w_post"} & set(inits)  # the 1-D copies went
    assert "b_pre" in inits and "scale" in inits
    up = next(n for n in convs if n.name == "/dec/up")
    attributes = {a.name: helper.get_attribute_value(a) for a in up.attribute}
    assert attributes == {
        "kernel_shape": [1, 4],
        "strides": [1, 2],
        "pads": [0, 1, 0, 1],
        "output_padding": [0, 1],
    }
    ops = [n.op_type for n in model.graph.node]
    assert ops[:3] == ["Mul", "Unsqueeze", "Conv"]
    assert ops[-2:] == ["Squeeze", "Mul"]


def test_an_outside_node_between_the_parts_nodes_keeps_the_order_valid() -> None:
    model = _decoder_like()
    nodes = list(model.graph.node)
    # Move the node that makes the part's entry after the part's constant.
    reordered = [nodes[6], nodes[0], *nodes[1:6], *nodes[7:]]
    del model.graph.node[:]
    model.graph.node.extend(reordered)
    x = np.ones((1, CHANNELS, 20), dtype=np.float32)
    before = _run(model, x)
    as_2d(model, "/dec/")
    onnx.checker.check_model(model)
    np.testing.assert_allclose(_run(model, x)[0], before[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("shape", "message"),
    [({"extra_op": "Softmax"}, "Softmax"), ({"second_exit": True}, "2 outputs")],
    ids=["unknown-operator", "two-exits"],
)
def test_a_part_that_is_not_a_plain_chain_is_refused_and_left_as_it_was(
    shape: dict[str, object], message: str
) -> None:
    model = _decoder_like(**shape)  # type: ignore[arg-type]
    original = copy.deepcopy(model)
    with pytest.raises(NotConvertibleError, match=message):
        as_2d(model, "/dec/")
    assert model == original


def test_a_prefix_that_names_no_node_is_refused() -> None:
    with pytest.raises(NotConvertibleError, match="no nodes"):
        as_2d(_decoder_like(), "/nothing/")


def test_a_convolution_with_computed_weights_is_refused() -> None:
    model = _decoder_like()
    conv = next(n for n in model.graph.node if n.name == "/dec/res")
    conv.input[1] = "up"  # weights from another tensor, not a fixed initializer
    with pytest.raises(NotConvertibleError, match="/dec/res"):
        as_2d(model, "/dec/")
