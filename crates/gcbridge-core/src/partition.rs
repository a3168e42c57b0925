//! AWS partitions. An ARN's partition is decided by its region (`aws-us-gov` for `us-gov-*`,
//! `aws-cn` for `cn-*`, `aws` elsewhere), and gcbridge works only where its region list
//! (data/aws-regions.txt) says partner event sources live: the China partition is refused by
//! name rather than with a "did you mean" region.

/// Why an ARN's partition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    #[error("partition \"{partition}\" is not supported: gcbridge works in the aws partition and in aws-us-gov (GovCloud); the China regions (aws-cn) and other partitions are not covered")]
    NotSupported { partition: String },
    #[error("partition \"{partition}\" does not fit region {region}: ARNs in {region} start with arn:{expected}:")]
    Mismatch {
        partition: String,
        region: String,
        expected: &'static str,
    },
}

/// The partition `region` belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// Before the region is checked: a partition (or a region of a partition) gcbridge does not
/// cover is said to be so.
pub fn check_supported(partition: &str, region: &str) -> Result<(), PartitionError> {
    let unsupported = |p: &str| {
        Err(PartitionError::NotSupported {
            partition: p.to_string(),
        })
    };
    if !matches!(partition, "aws" | "aws-us-gov") {
        return unsupported(partition);
    }
    match partition_of(region) {
        "aws-cn" => unsupported("aws-cn"),
        _ => Ok(()),
    }
}

/// After the region is known to be real: the partition is the one of that region.
pub fn check_fits(partition: &str, region: &str) -> Result<(), PartitionError> {
    let expected = partition_of(region);
    if partition == expected {
        return Ok(());
    }
    Err(PartitionError::Mismatch {
        partition: partition.to_string(),
        region: region.to_string(),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_region_has_its_partition() {
        assert!(check_supported("aws", "us-east-1").is_ok());
        assert!(check_fits("aws-us-gov", "us-gov-west-1").is_ok());
        let gov = check_fits("aws", "us-gov-west-1").unwrap_err().to_string();
        assert!(gov.contains("arn:aws-us-gov:"), "{gov}");
        let commercial = check_fits("aws-us-gov", "eu-west-1")
            .unwrap_err()
            .to_string();
        assert!(commercial.contains("arn:aws:"), "{commercial}");
        for (partition, region) in [
            ("aws-cn", "cn-north-1"),
            ("aws", "cn-northwest-1"),
            ("aws-iso", "us-iso-east-1"),
        ] {
            let e = check_supported(partition, region).unwrap_err().to_string();
            assert!(
                e.contains("is not supported") && !e.contains("did you mean"),
                "{e}"
            );
        }
    }
}
