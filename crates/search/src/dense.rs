//! The encoder's linear layers. A search query is a handful of word pieces: for so few rows a
//! general matrix product spends most of its time packing the weights into blocks and waking
//! worker threads, so a product of few rows streams each weight row once through dot products
//! instead (a query's embedding took about half the time, see BENCHMARKS.md).

use candle_core::{Module, Tensor};
use candle_nn::Linear;

/// Up to this many rows (word pieces of a batch) take the dot-product path.
const FEW_ROWS: usize = 16;

pub(crate) struct Dense {
    linear: Linear,
    /// The weights as stored, one row per output.
    rows: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Dense {
    pub(crate) fn new(linear: Linear) -> candle_core::Result<Self> {
        let (outputs, inputs) = linear.weight().dims2()?;
        let rows = linear.weight().flatten_all()?.to_vec1::<f32>()?;
        let bias = match linear.bias() {
            Some(bias) => bias.to_vec1::<f32>()?,
            None => vec![0.0; outputs],
        };
        Ok(Self { linear, rows, bias, inputs, outputs })
    }

    pub(crate) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, length, inputs) = x.dims3()?;
        if batch * length > FEW_ROWS || inputs != self.inputs {
            return self.linear.forward(x);
        }
        let device = x.device().clone();
        let x = x.flatten_all()?.to_vec1::<f32>()?;
        let tokens: Vec<&[f32]> = x.chunks_exact(inputs).collect();
        let dot = dot_product();
        let mut out = vec![0.0; tokens.len() * self.outputs];
        for ((output, row), bias) in self.rows.chunks_exact(inputs).enumerate().zip(&self.bias) {
            for (token, values) in tokens.iter().enumerate() {
                out[token * self.outputs + output] = dot(row, values) + bias;
            }
        }
        Tensor::from_vec(out, (batch, length, self.outputs), &device)
    }
}

/// The fastest dot product this CPU runs.
fn dot_product() -> fn(&[f32], &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return dot_avx2;
    }
    dot_portable
}

#[cfg(target_arch = "x86_64")]
fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    #[target_feature(enable = "avx2,fma")]
    fn compiled_for_avx2(a: &[f32], b: &[f32]) -> f32 {
        lanes(a, b, f32::mul_add)
    }
    // SAFETY: `dot_product` hands out this function only after finding AVX2 and FMA.
    unsafe { compiled_for_avx2(a, b) }
}

fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    lanes(a, b, |x, y, sum| x * y + sum)
}

/// A dot product in 64 independent sums, which the compiler turns into vector instructions.
#[inline(always)]
fn lanes(a: &[f32], b: &[f32], multiply_add: impl Fn(f32, f32, f32) -> f32) -> f32 {
    const LANES: usize = 16;
    let mut sums = [0.0f32; LANES];
    let whole = a.len().min(b.len()) / LANES * LANES;
    for (x, y) in a[..whole].chunks_exact(LANES).zip(b[..whole].chunks_exact(LANES)) {
        for lane in 0..LANES {
            sums[lane] = multiply_add(x[lane], y[lane], sums[lane]);
        }
    }
    let rest: f32 = a[whole..].iter().zip(&b[whole..]).map(|(x, y)| x * y).sum();
    sums.iter().sum::<f32>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    #[test]
    fn few_rows_give_what_the_matrix_product_gives() {
        let device = Device::Cpu;
        let weight = Tensor::randn(0f32, 1.0, (70, 37), &device).expect("weight");
        let bias = Tensor::randn(0f32, 1.0, 70, &device).expect("bias");
        let dense = Dense::new(Linear::new(weight, Some(bias))).expect("dense");
        for rows in [1, 7, 16, 17] {
            let x = Tensor::randn(0f32, 1.0, (1, rows, 37), &device).expect("x");
            let ours = dense.forward(&x).expect("dense");
            let candle = dense.linear.forward(&x).expect("linear");
            assert_eq!(ours.dims(), candle.dims());
            let difference = (ours - candle).expect("sub").abs().expect("abs").max_all().expect("max");
            assert!(difference.to_dtype(DType::F32).expect("f32").to_scalar::<f32>().expect("scalar") < 1e-4);
        }
        assert_eq!(dot_portable(&[1.0; 35], &[2.0; 35]), 70.0);
    }
}
